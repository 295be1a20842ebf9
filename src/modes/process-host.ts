/** Entry of a child process that runs tasks (mode 'process') or a whole batch (another pool size). */
import { handle, readyMessage } from './host.js';
import type { HostRequest } from './protocol.js';

if (!process.send) throw new Error('process-host must run as a child process with an IPC channel');
const send = process.send.bind(process);
process.on('message', (msg: HostRequest) => {
  void handle(msg).then((reply) => send(reply));
});
// The parent decides when this process ends: an idle host must not keep running alone.
process.on('disconnect', () => process.exit(0));
send(readyMessage());
