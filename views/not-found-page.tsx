/** A dashboard 404 that says what was not found and how to go on. */
import { Layout } from './layout.tsx';

export function NotFoundPage(props: { what: string }) {
  return (
    <Layout title="Not found">
      <h1>Not found</h1>
      <p>{props.what}</p>
      <p>
        <a href="/jobs">All jobs</a>
      </p>
    </Layout>
  );
}
