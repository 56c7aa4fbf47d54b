// Prints the Node arguments a service starts with. The container image's build stage runs it and its
// start command reads the result (Dockerfile), so the image takes them from serviceNodeArgs alone.
import { serviceNodeArgs } from './service-node-args.js';

const service = process.argv[2];
if (!service) {
  console.error('usage: print-service-node-args <service, as named in services/catalog.json>');
  process.exit(2);
}
console.log(serviceNodeArgs(service).join(' '));
