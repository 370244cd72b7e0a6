import type { APIRequestContext, APIResponse, Browser } from '@playwright/test';

// Posting to server actions by hand, as a browser does: without JavaScript (a multipart form
// post carrying React's `$ACTION_*` hidden fields) and with it (a fetch with the Next-Action
// header whose multipart body holds the arguments). Field values may be raw bytes, repeated or
// left out, which no browser form produces.

export type FieldValue = string | Buffer;
export type Part = [name: string, value: FieldValue];

export type RenderedForm = {
  /**
   * The page the form is on, as the browser ended up there (with the nonce proxy.ts adds to form
   * pages); a no-JavaScript post goes there. React matches the posted form state to the form by
   * `$ACTION_KEY`, which depends on the nonce (the forms are keyed by it), so only a post to this
   * very address gets its answer shown in the form.
   */
  path: string;
  /** React's `$ACTION_*` hidden fields, as rendered. */
  actionParts: Part[];
  /** The form's own hidden fields (commandId, accountNumber). */
  hidden: Record<string, string>;
  /** The server action's id. */
  actionId: string;
};

/** Reads a form as the server rendered it, with JavaScript off so nothing has touched it. */
export async function renderedForm(browser: Browser, baseURL: string, path: string, selector: string): Promise<RenderedForm> {
  const context = await browser.newContext({ javaScriptEnabled: false, baseURL });
  try {
    const page = await context.newPage();
    await page.goto(path);
    const inputs = await page
      .locator(selector)
      .locator('input[type="hidden"]')
      .evaluateAll((elements) => elements.map((e) => [(e as HTMLInputElement).name, (e as HTMLInputElement).value] as [string, string]));
    const actionParts = inputs.filter(([name]) => name.startsWith('$ACTION'));
    const hidden = Object.fromEntries(inputs.filter(([name]) => !name.startsWith('$ACTION')));
    const actionId = actionIdOf(actionParts);
    const landed = new URL(page.url());
    return { path: `${landed.pathname}${landed.search}`, actionParts, hidden, actionId };
  } finally {
    await context.close();
  }
}

function actionIdOf(parts: Part[]): string {
  for (const [name, value] of parts) {
    const direct = /^\$ACTION_ID_(.+)$/.exec(name);
    if (direct) return direct[1];
    // useActionState's encoding: $ACTION_<n>:0 is {"id": ..., "bound": ...}.
    if (/^\$ACTION_\d+:0$/.test(name)) {
      const id = (JSON.parse(String(value)) as { id?: unknown }).id;
      if (typeof id === 'string') return id;
    }
  }
  throw new Error(`no server action id among the form's hidden fields: ${parts.map(([name]) => name).join(', ')}`);
}

const CRLF = '\r\n';

/** A multipart/form-data body; names are ours (plain), values anything. */
export function multipart(parts: Part[], boundary = `----eventbank${crypto.randomUUID()}`) {
  const chunks: Buffer[] = [];
  for (const [name, value] of parts) {
    chunks.push(Buffer.from(`--${boundary}${CRLF}Content-Disposition: form-data; name="${name}"${CRLF}${CRLF}`));
    chunks.push(typeof value === 'string' ? Buffer.from(value, 'utf8') : value);
    chunks.push(Buffer.from(CRLF));
  }
  chunks.push(Buffer.from(`--${boundary}--${CRLF}`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export type PostOptions = { headers?: Record<string, string> };

/** What a browser without JavaScript sends when the form is submitted (fields in form order). */
export async function postWithoutJavaScript(
  request: APIRequestContext,
  baseURL: string,
  form: RenderedForm,
  fields: Part[],
  actionParts: Part[] = form.actionParts,
): Promise<APIResponse> {
  const { body, contentType } = multipart([...actionParts, ...fields]);
  return request.post(form.path, {
    headers: { 'content-type': contentType, origin: baseURL, accept: 'text/html' },
    data: body,
    maxRedirects: 0,
    failOnStatusCode: false,
  });
}

/**
 * What React's client (19.3) sends for `action(previousState, formData)`: every entry of the
 * form, its `$ACTION_*` hidden fields included, under a `_1_` prefix, and field 0 the argument
 * list (`$K1` is "the form data with prefix _1_"). The spec's first test checks this against a
 * real browser's post, so a React upgrade that changes the encoding fails there first.
 */
export const JS_FORM_PREFIX = '_1_';

export async function postWithJavaScript(
  request: APIRequestContext,
  baseURL: string,
  form: RenderedForm,
  fields: Part[],
  argumentList = '[{"status":"idle"},"$K1"]',
): Promise<APIResponse> {
  const prefixed = [...form.actionParts, ...fields].map(([name, value]): Part => [`${JS_FORM_PREFIX}${name}`, value]);
  const { body, contentType } = multipart([...prefixed, ['0', argumentList]]);
  return request.post(form.path, {
    headers: { 'content-type': contentType, origin: baseURL, accept: 'text/x-component', 'next-action': form.actionId },
    data: body,
    maxRedirects: 0,
    failOnStatusCode: false,
  });
}

/** A fetch-style action call with a body of our choosing (JSON arguments, or not form data at all). */
export async function postRawAction(
  request: APIRequestContext,
  baseURL: string,
  form: RenderedForm,
  contentType: string,
  body: string | Buffer,
): Promise<APIResponse> {
  return request.post(form.path, {
    headers: { 'content-type': contentType, origin: baseURL, accept: 'text/x-component', 'next-action': form.actionId },
    data: body,
    maxRedirects: 0,
    failOnStatusCode: false,
  });
}
