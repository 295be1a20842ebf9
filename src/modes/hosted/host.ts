/** What a task host does with each request; shared by the worker and the process hosts. */
import { native } from '../../addon/loader.js';
import { errorMessage } from '../../errors.js';
import type { HostReply, HostRequest } from './protocol.js';

/** Runs one task held on this host's thread and replies with its record and the host's own CPU over it. */
export async function handleTask(msg: HostRequest): Promise<HostReply> {
  try {
    if (msg.type !== 'task') throw new TypeError(`a task host runs tasks, not '${msg.type}' requests`);
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
  } catch (err) {
    return { type: 'error', id: msg.id, ...errorMessage(err) };
  }
}

export function readyMessage(): HostReply {
  return { type: 'ready', threadId: native().threadUsage().threadId };
}
