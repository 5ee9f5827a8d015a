/** What a signed-in user sees on a page their role may not open: why, and the way back. */
import { Layout } from './layout.tsx';

export function ForbiddenPage(props: { message: string }) {
  return (
    <Layout title="Not allowed">
      <h1>Not allowed</h1>
      <p>{props.message}</p>
      <p>Ask an admin if your work needs it.</p>
      <p>
        <a href="/">Home</a>
      </p>
    </Layout>
  );
}
