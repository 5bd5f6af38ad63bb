// Copies the static pages next to the bundle: dist/ is the whole site.
import { cpSync } from 'node:fs';

cpSync(new URL('./public/', import.meta.url), new URL('./dist/', import.meta.url), { recursive: true });
