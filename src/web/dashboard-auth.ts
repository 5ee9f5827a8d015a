/**
 * The dashboard's view of who is signed in. The auth gate (src/web/auth/auth-gate.ts) runs before every route,
 * checks the session and the role from the policy table (src/web/auth/route-policy.ts) and sets `operator`.
 */
export interface DashboardVariables {
  /** Who is at the dashboard (their username), recorded as `by` on hunts and operator commands. */
  operator: string;
}
