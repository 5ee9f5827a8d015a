/** The gate's 403 page for a browser (the gate itself is plain TypeScript). */
import { ForbiddenPage } from '../../../views/forbidden-page.tsx';

export function forbiddenPage(message: string) {
  return <ForbiddenPage message={message} />;
}
