/**
 * The IRS assistors a call can reach. IRS employees must give their title, surname and ID number at the
 * start of a call (IRM 21.3.10.3), so each greeting carries them; each agent has a voice of its own that
 * differs from the IVR/announcement voice (a detector must not win by learning one voice).
 */
export interface Agent {
  /** Roster id, referenced by scenarios. */
  id: string;
  title: 'Mr.' | 'Ms.';
  surname: string;
  /** 10-digit employee ID spoken in the greeting. */
  employeeId: string;
  greetingFixture: string;
  helloFixture: string;
}

export const agents: readonly Agent[] = [
  { id: 'alvarez', title: 'Ms.', surname: 'Alvarez', employeeId: '1000123456' },
  { id: 'johnson', title: 'Mr.', surname: 'Johnson', employeeId: '1000234517' },
  { id: 'nguyen', title: 'Ms.', surname: 'Nguyen', employeeId: '1000345628' },
  { id: 'patel', title: 'Mr.', surname: 'Patel', employeeId: '1000456739' },
  { id: 'brooks', title: 'Mr.', surname: 'Brooks', employeeId: '1000567840' },
  { id: 'kim', title: 'Ms.', surname: 'Kim', employeeId: '1000678951' },
].map((a) => ({ ...a, greetingFixture: `agent-${a.id}-greeting`, helloFixture: `agent-${a.id}-hello` }) as Agent);

export function getAgent(id: string): Agent {
  const agent = agents.find((a) => a.id === id);
  if (!agent) throw new Error(`unknown agent "${id}"; known: ${agents.map((a) => a.id).join(', ')}`);
  return agent;
}

export function agentName(agent: Agent): string {
  return `${agent.title} ${agent.surname}`;
}
