// How Feishu / Lark starts from the environment (README, "Feishu / Lark"). The SDK (≈ 110 MB in
// memory) is imported only here, when an app id is set.
import type { PlatformModule } from "../platform.js";

const lark: PlatformModule = {
  name: "lark",
  configured: (env) => Boolean(env.LARK_APP_ID),
  async create(env, core, log) {
    const { createLarkAdapter } = await import("./index.js");
    return createLarkAdapter({
      core,
      log,
      appId: env.LARK_APP_ID ?? "",
      appSecret: env.LARK_APP_SECRET ?? "",
      domain: env.LARK_DOMAIN || "feishu",
      mode: env.LARK_MODE === "webhook" ? "webhook" : "ws",
      encryptKey: env.LARK_ENCRYPT_KEY || undefined,
      verificationToken: env.LARK_VERIFICATION_TOKEN || undefined,
    });
  },
};
export default lark;
