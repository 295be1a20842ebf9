/** What a task host does with each request; shared by the worker and the process hosts. */
import { native } from '../../addon/loader.js';
import type { HostReply, HostRequest } from './protocol.js';

export async function handle(msg: HostRequest): Promise<HostReply> {
  try {
    if (msg.type === 'task') {
      // The host's whole-process CPU over the task: in a child process, the parent's RUSAGE_SELF
      // cannot see it until the child is reaped, so it is sent back with the record.
      const addon = native();
      const before = addon.processUsage();
      const record = addon.runSync(msg.kernel, msg.args, msg.flag, msg.traceCapacity);
      const after = addon.processUsage();
      return {
        type: 'record',
        id: msg.id,
        record,
        pid: process.pid,
        hostUserUs: after.userUs - before.userUs,
        hostSystemUs: after.systemUs - before.systemUs,
      };
    }
    const { batch } = await import('../run.js');
    return { type: 'batch', id: msg.id, report: await batch(msg.options) };
  } catch (err) {
    const e = err as Error;
    return { type: 'error', id: msg.id, name: e?.name ?? 'Error', message: e?.message ?? String(err) };
  }
}

export function readyMessage(): HostReply {
  return { type: 'ready', threadId: native().threadUsage().threadId };
}
