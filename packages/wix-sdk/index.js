// @latchkey/wix-sdk: the one line a headless site adds so that the unmodified Wix JavaScript SDK talks to Latchkey.
//
//   import { useLatchkey } from '@latchkey/wix-sdk';
//   useLatchkey('https://auth.example.com');
//
// The SDK fetches hard-coded Wix hosts: OAuthStrategy posts to https://www.wixapis.com/oauth2/token, and module
// clients call https://www.wixapis.com or, with OAuthStrategy, https://edge.wixapis.com. useLatchkey replaces the
// global fetch with one that sends exactly those two hosts to the Latchkey base URL (path and query kept) and
// everything else where it was going. Latchkey serves this same file at <base>/_latchkey/wix-sdk.mjs (an ES module
// that installs itself for the base it was loaded from) and <base>/_latchkey/wix-sdk.js (a classic script, likewise).
// Node (server-side rendering): node --import @latchkey/wix-sdk/register app.js, with LATCHKEY_URL set.
// docs/wix-sdk.md in the Latchkey repository has the whole story.

const WIX_HOSTS = ['www.wixapis.com', 'edge.wixapis.com'];
const INSTALLED = Symbol.for('latchkey.wix-sdk.fetch');

/** The Latchkey base URL as a URL; throws on anything but http(s). */
function parseBase(baseUrl) {
  let base;
  try {
    base = new URL(String(baseUrl));
  } catch {
    throw new TypeError(`useLatchkey: "${baseUrl}" is not an absolute URL; pass Latchkey's base URL, e.g. https://auth.example.com`);
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') {
    throw new TypeError(`useLatchkey: "${baseUrl}" is not an http or https URL`);
  }
  base.search = '';
  base.hash = '';
  return base;
}

/**
 * Where a request for `url` should go: the Latchkey URL for the Wix hosts (and, when Latchkey is on plain http, for
 * https://<Latchkey's host>, which is what the SDK builds from host.apiBaseUrl), or null to leave it alone.
 */
function rewriteUrl(url, baseUrl) {
  const base = baseUrl instanceof URL ? baseUrl : parseBase(baseUrl);
  let target;
  try {
    target = new URL(url instanceof URL ? url.href : String(url));
  } catch {
    return null;
  }
  const wixHost = target.protocol === 'https:' && WIX_HOSTS.includes(target.hostname);
  const apiBaseOverHttps = base.protocol === 'http:' && target.protocol === 'https:' && target.host === base.host;
  if (!wixHost && !apiBaseOverHttps) {
    return null;
  }
  const prefix = base.pathname.replace(/\/+$/, '');
  if (apiBaseOverHttps && prefix && target.pathname.startsWith(`${prefix}/`)) {
    return new URL(target.pathname + target.search, base.origin).href;
  }
  return new URL(prefix + target.pathname + target.search, base.origin).href;
}

/** A fetch that sends the SDK's Wix hosts to Latchkey and passes everything else to `innerFetch` unchanged. */
function latchkeyFetch(baseUrl, innerFetch = globalThis.fetch) {
  const base = parseBase(baseUrl);
  const wrapped = async function fetchThroughLatchkey(input, init) {
    const isRequest = typeof Request !== 'undefined' && input instanceof Request;
    const target = rewriteUrl(isRequest ? input.url : input, base);
    if (target === null) {
      return innerFetch(input, init);
    }
    if (!isRequest) {
      return innerFetch(target, init);
    }
    // A Request's body is a stream; read it so the copy works in browsers and in Node alike.
    const body = input.body == null ? undefined : await input.arrayBuffer();
    return innerFetch(
      new Request(target, {
        method: input.method,
        headers: input.headers,
        body,
        redirect: input.redirect,
        signal: input.signal,
        credentials: input.credentials,
        ...init,
      }),
    );
  };
  wrapped[INSTALLED] = { base: base.href, inner: innerFetch };
  return wrapped;
}

/**
 * Installs latchkeyFetch as the global fetch, before or after the SDK is imported (it looks fetch up on each call).
 * Calling it again changes the base URL. Returns the base URL and `host`, which a site may also pass to
 * createClient({ host }) for module clients that do not use the CDN host (useCDN: false).
 */
function useLatchkey(baseUrl) {
  const current = globalThis.fetch;
  if (typeof current !== 'function') {
    throw new Error('useLatchkey: this environment has no global fetch (Node 18 or later, or any current browser)');
  }
  const inner = current[INSTALLED]?.inner ?? current;
  const wrapped = latchkeyFetch(baseUrl, inner);
  globalThis.fetch = wrapped;
  const base = parseBase(baseUrl);
  return {
    baseUrl: base.href.replace(/\/+$/, ''),
    host: { apiBaseUrl: base.host },
    /** Puts the original fetch back. */
    uninstall() {
      if (globalThis.fetch === wrapped) {
        globalThis.fetch = inner;
      }
    },
  };
}

export { useLatchkey, latchkeyFetch, rewriteUrl };
