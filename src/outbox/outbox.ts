// The outbox's delivery round, for the scheduler, the benchmark and tests: the core's one outbound
// path (src/core/outbound.ts) over the store's outbox rows, with the platforms' senders registered.
import type { Db } from "../store/connect.js";
import { OutboxStore } from "../store/outbox.js";
import { Outbound, type DeliveryResult, type OutboundOptions, type RetryPolicy, type Sender } from "../core/outbound.js";

export { SendError, type Sender, type DeliveryResult } from "../core/outbound.js";

export type OutboxOptions = Omit<OutboundOptions, "policy"> & Partial<Pick<RetryPolicy, "maxAttempts" | "baseDelaySec" | "maxDelaySec">>;

export class Outbox {
  readonly outbound: Outbound;

  constructor(db: Db, senders: Sender[], opts: OutboxOptions) {
    const { maxAttempts, baseDelaySec, maxDelaySec, ...rest } = opts;
    const policy: Partial<RetryPolicy> = {};
    if (maxAttempts !== undefined) policy.maxAttempts = maxAttempts;
    if (baseDelaySec !== undefined) policy.baseDelaySec = baseDelaySec;
    if (maxDelaySec !== undefined) policy.maxDelaySec = maxDelaySec;
    this.outbound = new Outbound(new OutboxStore(db, opts.clock), { ...rest, policy });
    for (const s of senders) this.outbound.register(s);
  }

  deliverDue(): Promise<DeliveryResult> {
    return this.outbound.deliverDue();
  }
}
