// The two values a site sets: where Latchkey runs, and the clientId of the site's client there
// (bootstrap.json's clientId, or `latchkey clients create --kind wix-sdk …`). See docs/wix-sdk.md.
window.LATCHKEY_SITE = {
  latchkeyUrl: 'http://127.0.0.1:5080',
  clientId: 'paste the clientId here',
};
