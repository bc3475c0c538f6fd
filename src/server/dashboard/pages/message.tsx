import type { FC } from 'hono/jsx';
import { Layout, type PageContext } from '../components.js';

/** A plain error page (unknown checklist, etc.). */
export const MessagePage: FC<{ ctx: PageContext; title: string; text: string }> = ({ ctx, title, text }) => (
  <Layout ctx={ctx} title={title}>
    <h1>{title}</h1>
    <p>{text}</p>
    <p>
      <a href="/">Back to the overview</a>
    </p>
  </Layout>
);
