/** What useLatchkey installed. */
export interface Latchkey {
  /** The Latchkey base URL, without a trailing slash. */
  readonly baseUrl: string;
  /** For createClient({ host }) on module clients with useCDN: false; OAuthStrategy needs nothing but useLatchkey. */
  readonly host: { apiBaseUrl: string };
  /** Puts the original global fetch back. */
  uninstall(): void;
}

/** Sends the Wix SDK's hosts (www.wixapis.com, edge.wixapis.com) to Latchkey through the global fetch. */
export function useLatchkey(baseUrl: string | URL): Latchkey;

/** A fetch that sends the Wix SDK's hosts to Latchkey and everything else to `innerFetch`. */
export function latchkeyFetch(baseUrl: string | URL, innerFetch?: typeof fetch): typeof fetch;

/** Where a request for `url` goes through Latchkey, or null when it is left alone. */
export function rewriteUrl(url: string | URL, baseUrl: string | URL): string | null;
