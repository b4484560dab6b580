// npm run chat: the console chat on its own (no scheduler). An entry file of its own, so that
// importing cli.ts (as npm start does) never starts a second session: bundled into dist/src/main.js,
// cli.ts's old "am I the script?" check came out true and two sessions raced for standard input.
import { main } from "./cli.js";

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
