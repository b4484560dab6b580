// npm run remind: the scheduler pass CLI on its own. An entry file of its own, so that running it
// never depends on comparing import.meta.url with the script's path (which differ by URL-encoding
// in a checkout whose path has spaces or Chinese characters, and then nothing ran at all).
import { main } from "./cli.js";

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
