// A minimal window/document for the Wix SDK's getMemberTokensForDirectLogin in Node
// (docs/wire/sdk.md#running-the-unmodified-sdk-against-latchkey step 5). The SDK
// (node_modules/@wix/sdk/build/iframeUtils.js) does:
//   window.addEventListener('message', handler)         — handler reads event.data.{state,code}
//   document.createElement('iframe'); iframe.src = fullUrl; document.body.appendChild(iframe)
//   later: document.body.contains(iframe); iframe.parentElement.removeChild(iframe)
// Here "loading" the iframe means: GET iframe.src with the (preloaded) global fetch, following redirects as
// a browser frame would; take the object the page passes to postMessage(...); and, as a browser would, deliver
// it to the parent's 'message' listeners only when the page's targetOrigin is '*' or equals the parent origin.
//
// The parent page's origin is CONFORMANCE_PARENT_ORIGIN, default http://localhost:3000 (the origin the
// bootstrap client allows). Every iframe load is recorded (see frames / waitForFrame) so a test can fail fast
// with the page it got instead of waiting for the SDK's 120 s timeout.

import vm from 'node:vm';

export const parentOrigin = new URL(process.env.CONFORMANCE_PARENT_ORIGIN ?? 'http://localhost:3000').origin;

const listeners = new Map(); // type -> Set<fn>
const frames = []; // outcomes, in load order
const frameWaiters = [];

function addEventListener(type, fn) {
  if (!listeners.has(type)) listeners.set(type, new Set());
  listeners.get(type).add(fn);
}
function removeEventListener(type, fn) {
  listeners.get(type)?.delete(fn);
}
function dispatch(type, event) {
  for (const fn of [...(listeners.get(type) ?? [])]) {
    try {
      fn(event);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}

class FakeElement {
  constructor(tagName) {
    this.tagName = String(tagName).toUpperCase();
    this.style = {};
    this.attributes = {};
    this.children = [];
    this.parentElement = null;
  }
  setAttribute(name, value) {
    this.attributes[name] = String(value);
    if (name === 'src') this.src = String(value);
  }
  getAttribute(name) {
    return name === 'src' ? (this.src ?? null) : (this.attributes[name] ?? null);
  }
  appendChild(child) {
    child.parentElement = this;
    this.children.push(child);
    if (child.tagName === 'IFRAME' && child.src) loadFrame(child);
    return child;
  }
  removeChild(child) {
    const i = this.children.indexOf(child);
    if (i >= 0) this.children.splice(i, 1);
    child.parentElement = null;
    return child;
  }
  contains(node) {
    if (node === this) return true;
    return this.children.some((c) => c === node || c.contains?.(node));
  }
  addEventListener() {}
  removeEventListener() {}
}

const body = new FakeElement('body');

// --- extracting the postMessage call from the authorize page --------------------------------------------

/** Reads a JSON value (object or string) starting at text[i]; returns [value, endIndex] or undefined. */
function readJsonLiteral(text, i) {
  while (/\s/.test(text[i])) i++;
  const open = text[i];
  if (open === '"' || open === "'") {
    let j = i + 1;
    while (j < text.length && text[j] !== open) j += text[j] === '\\' ? 2 : 1;
    const raw = text.slice(i, j + 1);
    const json = open === '"' ? raw : `"${raw.slice(1, -1).replace(/"/g, '\\"').replace(/\\'/g, "'")}"`;
    try {
      return [JSON.parse(json), j + 1];
    } catch {
      return undefined;
    }
  }
  if (open !== '{') return undefined;
  let depth = 0;
  let inString = null;
  for (let j = i; j < text.length; j++) {
    const c = text[j];
    if (inString) {
      if (c === '\\') j++;
      else if (c === inString) inString = null;
    } else if (c === '"' || c === "'") inString = c;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      try {
        return [JSON.parse(text.slice(i, j + 1)), j + 1];
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Plain extraction: postMessage({...json...}, "origin"). */
function extractLiteral(html) {
  const re = /postMessage\s*\(/g;
  let m;
  while ((m = re.exec(html))) {
    const first = readJsonLiteral(html, m.index + m[0].length);
    if (!first || typeof first[0] !== 'object') continue;
    let k = first[1];
    while (/\s/.test(html[k])) k++;
    let targetOrigin;
    if (html[k] === ',') {
      const second = readJsonLiteral(html, k + 1);
      if (second && typeof second[0] === 'string') targetOrigin = second[0];
    }
    return { data: first[0], targetOrigin, how: 'literal' };
  }
  return undefined;
}

/** Fallback: run the page's inline scripts with a fake window whose parent/opener record postMessage. */
function extractByRunning(html, pageUrl) {
  const calls = [];
  const recorder = { postMessage: (data, targetOrigin) => calls.push({ data, targetOrigin }) };
  const win = { parent: recorder, opener: recorder, top: recorder, location: new URL(pageUrl) };
  win.window = win;
  win.self = win;
  const context = vm.createContext({ window: win, parent: recorder, opener: recorder, top: recorder, self: win });
  context.document = { readyState: 'complete', addEventListener: (t, fn) => t === 'DOMContentLoaded' && fn() };
  win.document = context.document;
  win.addEventListener = (t, fn) => (t === 'load' || t === 'DOMContentLoaded') && fn();
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)]
    .filter(([, attrs]) => !/\bsrc\s*=/.test(attrs) && !/type\s*=\s*["']?(application\/json|text\/template)/i.test(attrs))
    .map(([, , code]) => code);
  for (const code of scripts) {
    try {
      vm.runInContext(code, context, { timeout: 1000 });
    } catch {
      // keep going; a real browser would too
    }
  }
  if (calls.length === 0) return undefined;
  // Structured clone semantics: plain data only.
  const { data, targetOrigin } = calls[0];
  return { data: JSON.parse(JSON.stringify(data)), targetOrigin, how: 'script' };
}

function delivers(targetOrigin) {
  if (targetOrigin === '*') return true;
  if (targetOrigin === '/') return false; // "same origin as the frame": the frame is on the server, not the parent
  try {
    return new URL(targetOrigin).origin === parentOrigin;
  } catch {
    return false; // a browser throws SyntaxError in the frame; nothing reaches the parent
  }
}

async function loadFrame(iframe) {
  const outcome = { src: iframe.src, delivered: false };
  try {
    const response = await globalThis.fetch(iframe.src, {
      redirect: 'follow',
      headers: {
        accept: 'text/html,application/xhtml+xml',
        'sec-fetch-dest': 'iframe',
        'sec-fetch-mode': 'navigate',
        referer: `${parentOrigin}/`,
      },
    });
    outcome.status = response.status;
    outcome.finalUrl = response.url;
    outcome.contentType = response.headers.get('content-type');
    const html = await response.text();
    outcome.body = html.length > 1500 ? `${html.slice(0, 1500)}…` : html;
    const posted = extractLiteral(html) ?? extractByRunning(html, response.url || iframe.src);
    if (!posted) {
      outcome.reason = 'the page calls no postMessage(...) that could be read';
    } else {
      Object.assign(outcome, { data: posted.data, targetOrigin: posted.targetOrigin, how: posted.how });
      if (!delivers(posted.targetOrigin)) {
        outcome.reason = `a browser would drop the message: targetOrigin ${JSON.stringify(posted.targetOrigin)} is not the parent origin ${parentOrigin}`;
      } else if (iframe.parentElement !== body) {
        outcome.reason = 'the iframe was removed before it loaded';
      } else {
        outcome.delivered = true;
      }
    }
  } catch (error) {
    outcome.reason = `loading the frame failed: ${error?.cause ?? error}`;
  }
  frames.push(outcome);
  for (const w of frameWaiters.splice(0)) w(outcome);
  if (outcome.delivered) {
    // postMessage is asynchronous: deliver on a later task.
    setTimeout(() => dispatch('message', { type: 'message', data: outcome.data, origin: new URL(outcome.finalUrl || outcome.src).origin, source: null }), 0);
  }
}

// --- install ----------------------------------------------------------------------------------------------

const fakeWindow = {
  addEventListener,
  removeEventListener,
  location: new URL(`${parentOrigin}/`),
  postMessage: (data) => setTimeout(() => dispatch('message', { type: 'message', data, origin: parentOrigin, source: null }), 0),
};
fakeWindow.window = fakeWindow;
fakeWindow.self = fakeWindow;
fakeWindow.parent = fakeWindow;
fakeWindow.top = fakeWindow;

const fakeDocument = {
  body,
  createElement: (tag) => new FakeElement(tag),
  readyState: 'complete',
};
fakeWindow.document = fakeDocument;

let installed = false;
export function installDomShim() {
  if (installed) return;
  if (globalThis.window !== undefined || globalThis.document !== undefined) {
    throw new Error('dom-shim: a window/document already exists in this process');
  }
  globalThis.window = fakeWindow;
  globalThis.document = fakeDocument;
  installed = true;
}

export function uninstallDomShim() {
  if (!installed) return;
  delete globalThis.window;
  delete globalThis.document;
  installed = false;
}

/** Every iframe load so far. */
export { frames };

/** Resolves with the outcome of the next iframe load (see loadFrame). */
export function waitForFrame() {
  return new Promise((resolve) => frameWaiters.push(resolve));
}

/** Human-readable account of one iframe load, for assertion messages. */
export function describeFrame(o) {
  return [
    `iframe GET ${o.src}`,
    `  -> ${o.status ?? '(no response)'} ${o.contentType ?? ''}${o.finalUrl && o.finalUrl !== o.src ? ` (after redirects: ${o.finalUrl})` : ''}`,
    o.data !== undefined ? `  postMessage(${JSON.stringify(o.data)}, ${JSON.stringify(o.targetOrigin)}) [${o.how}]` : undefined,
    o.reason ? `  ${o.reason}` : undefined,
    o.body !== undefined ? `  body: ${o.body}` : undefined,
  ]
    .filter(Boolean)
    .join('\n');
}

installDomShim();
