// Node preload for server-side rendering: sends the Wix SDK's hosts to Latchkey before any SDK code runs.
//   LATCHKEY_URL=https://auth.example.com node --import @latchkey/wix-sdk/register server.js
import { useLatchkey } from './index.js';

const base = process.env.LATCHKEY_URL;
if (!base) {
  throw new Error('@latchkey/wix-sdk/register: set LATCHKEY_URL to Latchkey\'s base URL, e.g. https://auth.example.com');
}
useLatchkey(base);
