import type { HostContext } from '../context';
import type { HandlerGroup } from './types';

/** Timing marks from the renderer, turned into the events that tests and benchmarks wait on. */
export function uiHandlers(ctx: HostContext): HandlerGroup {
  return {
    'ui.mark': ({ name, ms }) => {
      ctx.emit('timing', { name: name === 'inbox_interactive' ? 'ui.inbox_interactive_ms' : 'ui.search_ms', ms });
      ctx.log.info('timing', { name, ms: Math.round(ms) });
      return { ok: true as const };
    },
  };
}
