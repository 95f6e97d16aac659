/** The HttpPoster port (shared/core/ports/notifications.ts) on Node's fetch, with a timeout per request. */
import type { HttpPoster } from '../core/ports/notifications.ts';

export function fetchPoster(timeoutMs = 5000): HttpPoster {
  return {
    async postJson(url, body) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'glidepath-notify' },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      // The body is not needed; reading it frees the connection.
      await response.arrayBuffer().catch(() => undefined);
      return { status: response.status };
    },
  };
}
