// The host entry: the only module the shells (electron/, src/web, src/cli) may import from src/host.
export { Host, createHost, type HostOptions, type EventListener } from './host';
export { defaultProfileDir } from './profile-dir';
