import type { FC } from 'hono/jsx';
import { Layout, type PageContext } from '../components.js';

/** The login form. */
export const LoginPage: FC<{ ctx: PageContext; error?: string }> = ({ ctx, error }) => (
  <Layout ctx={ctx} title="Log in">
    <div class="login card stack">
      <h1>Log in</h1>
      <p class="sub">
        Paste an API token. Ask an admin for one (`gonogo token create --name you --role operator`).
      </p>
      {error ? <p class="notice bad">{error}</p> : null}
      <form method="post" action="/login" class="stack">
        <label>
          Token
          <input type="password" name="token" autocomplete="off" required />
        </label>
        <button type="submit">Log in</button>
      </form>
    </div>
  </Layout>
);
