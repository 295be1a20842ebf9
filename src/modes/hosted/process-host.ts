/** Entry of a child process that runs tasks held on its own thread (mode 'process'). */
import { serveParent } from './child-channel.js';
import { handleTask, readyMessage } from './host.js';

serveParent(handleTask, readyMessage());
