import type { Context, Hono } from 'hono';
import type { Checklist } from '../../model/checklist.js';
import { ActionError, type Actor, attest, signoff, tokenActor, waive } from '../../usecases/index.js';
import type { AppEnv } from '../env.js';
import { HttpProblem } from '../problem.js';
import { MessagePage } from './pages/index.js';
import { checklistOfPath, type DashboardDeps } from './route-deps.js';
import type { RefusedForm } from './sessions.js';

/** The fields a refused item form gets back, so nothing typed is lost. */
const FORM_FIELDS: Record<RefusedForm['form'], readonly string[]> = {
  attest: ['value', 'evidence', 'valid_for'],
  waive: ['reason', 'owner', 'expires'],
};

/** The refused form of an item of this checklist, with the values typed; undefined for other forms. */
function refusedForm(
  checklist: Checklist,
  kind: RefusedForm['form'] | undefined,
  form: Record<string, string>,
): RefusedForm | undefined {
  const item = form.item;
  if (!kind || !item || !checklist.items.some((i) => i.id === item)) return undefined;
  const values: Record<string, string> = {};
  for (const k of FORM_FIELDS[kind]) if (form[k] !== undefined) values[k] = form[k];
  return { form: kind, item, values };
}

/**
 * The checklist page's forms (run, attest, waive, sign off): each translates its form into a use case
 * and shows the result, or the use case's refusal in its own words, on the page it came from.
 */
export function registerActionRoutes(app: Hono<AppEnv>, d: DashboardDeps): void {
  const { gate, pageCtx } = d;
  const loadPage = (c: Context<AppEnv>) => checklistOfPath(gate, c);

  /** Run a form action; its result (or refusal) is shown on the checklist page it came from. */
  const action =
    (
      name: string,
      perform: (checklist: Checklist, form: Record<string, string>, actor: Actor) => Promise<string>,
      itemForm?: RefusedForm['form'],
    ) =>
    async (c: Context<AppEnv>) => {
      const found = loadPage(c);
      if (found instanceof HttpProblem) {
        return c.html(
          <MessagePage ctx={pageCtx(c)} title="Checklist not available" text={found.detail} />,
          found.status,
        );
      }
      const raw = await c.req.parseBody();
      const form: Record<string, string> = {};
      for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') form[k] = v;
      const session = c.get('session')!;
      let refused: RefusedForm | undefined;
      try {
        session.flash = { ok: true, text: await perform(found, form, tokenActor(session.principal)) };
      } catch (err) {
        if (!(err instanceof ActionError || err instanceof HttpProblem)) throw err;
        refused = refusedForm(found, itemForm, form);
        session.flash = {
          ok: false,
          text: `${name} refused: ${err.message}`,
          ...(refused ? { refused } : {}),
        };
      }
      const env = form.env ? `?env=${encodeURIComponent(form.env)}` : '';
      // A refused item form lands on its error, shown beside the form; anything else on the item.
      const anchor = refused
        ? `#refused-${encodeURIComponent(refused.item)}`
        : form.item
          ? `#item-${encodeURIComponent(form.item)}`
          : '';
      return c.redirect(`/checklists/${encodeURIComponent(found.id)}${env}${anchor}`, 303);
    };

  app.post(
    '/checklists/:id/run',
    action('Run', async (checklist, form, actor) => {
      const environment = gate.environment(checklist, form.env);
      const result = await gate.run(checklist, environment, `api:${actor.name}`, actor);
      return `Checks ran: ${result.run.verdict} (${result.run.outcomes.length} checks).`;
    }),
  );

  app.post(
    '/checklists/:id/attest',
    action(
      'Attestation',
      async (checklist, form, actor) => {
        const a = await attest(gate.useCases, actor, {
          checklist,
          environment: form.env,
          item: form.item ?? '',
          evidence: form.evidence ?? '',
          value: form.value,
          validFor: form.valid_for,
        });
        return `Attested ${a.item}.`;
      },
      'attest',
    ),
  );

  app.post(
    '/checklists/:id/waive',
    action(
      'Waiver',
      async (checklist, form, actor) => {
        const w = await waive(gate.useCases, actor, {
          checklist,
          environment: form.env,
          item: form.item ?? '',
          reason: form.reason ?? '',
          owner: form.owner ?? '',
          expires: form.expires ?? '',
        });
        return `Waived ${w.item} until ${w.expiresAt}.`;
      },
      'waive',
    ),
  );

  app.post(
    '/checklists/:id/signoff',
    action('Sign-off', async (checklist, form, actor) => {
      const so = await signoff(gate.useCases, actor, {
        checklist,
        environment: form.env,
        role: form.role ?? '',
      });
      return `Signed off as ${so.role} for ${so.environment}.`;
    }),
  );
}
