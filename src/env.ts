// Imported first by every entry point: China time unless TZ says otherwise (the holiday calendar's
// date lookups depend on the process time zone), and .env if present (never committed).
import fs from "node:fs";

process.env.TZ ||= "Asia/Shanghai";
if (fs.existsSync(".env")) process.loadEnvFile(".env");
