// Preload for the conformance suites:
//   WIX_TEST_BASE=http://127.0.0.1:5080 node --import ./preload-wix-redirect.mjs --test ...
//
// The Wix SDK hard-codes https://www.wixapis.com (token endpoint, OAuthStrategy's internal client) and
// https://edge.wixapis.com (module calls of a user client). The official integration, @latchkey/wix-sdk
// (packages/wix-sdk, docs/wix-sdk.md), sends exactly those hosts to Latchkey; this preload installs it before any SDK
// code runs, as a site's `node --import @latchkey/wix-sdk/register` would. Nothing in the SDK is modified.
//
// It also keeps a log of every fetch made in the process (SDK, openid-client, the tests themselves), so a
// failing test can print the HTTP exchanges it caused: globalThis.__conformanceFetchLog (see helpers.mjs).
import { latchkeyFetch, rewriteUrl } from '@latchkey/wix-sdk';

const base = process.env.WIX_TEST_BASE;
const LOG_LIMIT = 500;
const TEXT_LIMIT = 2000;

const realFetch = globalThis.fetch;
const throughLatchkey = base ? latchkeyFetch(base, realFetch) : realFetch;
const log = [];
let sequence = 0;
Object.defineProperty(globalThis, '__conformanceFetchLog', {
  value: { entries: log, next: () => sequence },
  enumerable: false,
});

function urlOf(input) {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  return input.url;
}

function shorten(text, limit = TEXT_LIMIT) {
  if (text == null) return text;
  const s = String(text);
  return s.length > limit ? `${s.slice(0, limit)}… (${s.length} chars)` : s;
}

/** JSON re-serialised on one line with long strings (tokens) cut short; other text cut at `limit`. */
function compact(text, limit = TEXT_LIMIT) {
  if (text == null) return text;
  const s = String(text);
  try {
    const json = JSON.parse(s);
    if (json !== null && typeof json === 'object') {
      return shorten(
        JSON.stringify(json, (_, v) => (typeof v === 'string' && v.length > 64 ? `${v.slice(0, 20)}…(${v.length})` : v)),
        limit,
      );
    }
  } catch {
    // not JSON
  }
  if (/^[\w.%~+-]+=[^&]*(&[\w.%~+-]+=[^&]*)*$/.test(s)) {
    // form body: shorten long values the same way
    return shorten(
      s
        .split('&')
        .map((kv) => (kv.length > 84 ? `${kv.slice(0, 40)}…(${kv.length})` : kv))
        .join('&'),
      limit,
    );
  }
  return shorten(s, limit);
}

function authorizationShape(headers) {
  const value = headers.get('authorization');
  if (value == null) return undefined;
  // Show the shape (bare token, "Bearer x", "token,apiKey", ",apiKey") without the whole secrets.
  return value
    .split(',')
    .map((part) => (part.length > 16 ? `${part.slice(0, 12)}…(${part.length})` : part))
    .join(',');
}

function bodyText(body) {
  if (body == null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return `<${body.byteLength} bytes>`;
  return `<${Object.prototype.toString.call(body)}>`;
}

globalThis.fetch = async function conformanceFetch(input, init) {
  const original = new URL(urlOf(input));
  const rewritten = base ? rewriteUrl(original, base) : null;

  let request;
  let sentBody = bodyText(init?.body);
  if (input instanceof Request) {
    // Rebuild rather than new Request(url, input): a Request with a stream body needs duplex handling.
    const body = input.body == null ? undefined : await input.arrayBuffer();
    if (body !== undefined && init?.body == null) sentBody = new TextDecoder().decode(body);
    request = new Request(original, {
      method: input.method,
      headers: input.headers,
      body,
      redirect: input.redirect,
      signal: input.signal,
      ...init,
    });
  } else {
    request = new Request(original, init);
  }

  const entry = {
    seq: ++sequence,
    method: request.method,
    url: original.href,
    target: rewritten ?? undefined,
    authorization: authorizationShape(request.headers),
    contentType: request.headers.get('content-type') ?? undefined,
    requestBody: compact(sentBody),
  };
  log.push(entry);
  if (log.length > LOG_LIMIT) log.shift();

  try {
    const response = await throughLatchkey(request);
    entry.status = response.status;
    const location = response.headers.get('location');
    if (location) entry.location = location;
    entry.responseBody = '<not read>';
    response
      .clone()
      .text()
      .then(
        (text) => {
          entry.responseBody = compact(text);
        },
        () => {},
      );
    return response;
  } catch (error) {
    entry.error = String(error?.cause ?? error);
    throw error;
  }
};
