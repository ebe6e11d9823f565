// Svelte options for the mechanisms' client views (`<id>/ui/*.svelte`), which svelte-check
// looks up from each file's folder: the defaults, as the client's build uses them
// (client/vite.config.ts). Without this file it would find the test config at the root.
export default {};
