// The platforms the bot can run on: adding one is a folder with a platform.ts and a line here.
import type { PlatformModule } from "./platform.js";
import telegram from "./telegram/platform.js";
import lark from "./lark/platform.js";

export const PLATFORMS: readonly PlatformModule[] = [telegram, lark];

export function configuredPlatforms(env: NodeJS.ProcessEnv): PlatformModule[] {
  return PLATFORMS.filter((p) => p.configured(env));
}
