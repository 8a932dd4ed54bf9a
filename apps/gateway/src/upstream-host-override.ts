import type { KongService } from './kong-config.types';

/**
 * GATEWAY_UPSTREAM_HOST_OVERRIDE: comma-separated `match=host[:port]` rules that turn kong.yml's
 * docker-compose / Kubernetes host names into addresses reachable from this machine.
 *
 *   `*=127.0.0.1`                                   every service on loopback, on its kong.yml port
 *   `auth-service=127.0.0.1:4001,*=127.0.0.1`       one service moved to another port
 *
 * A rule naming the host exactly wins over `*`. Without a rule the kong.yml host is used as is.
 */
export interface HostOverrideRule {
  match: string;
  host: string;
  port?: number;
}

const rulePattern = /^(\*|[A-Za-z0-9.-]+)=([A-Za-z0-9.-]+)(?::(\d{1,5}))?$/;

/** The syntax GatewayEnvironment validates, so a bad value stops the gateway before anything else runs. */
export const hostOverridePattern =
  /^(\*|[A-Za-z0-9.-]+)=[A-Za-z0-9.-]+(:\d{1,5})?(,(\*|[A-Za-z0-9.-]+)=[A-Za-z0-9.-]+(:\d{1,5})?)*$/;

export function parseHostOverride(value: string | undefined): HostOverrideRule[] {
  if (value === undefined || value.trim() === '') return [];
  return value.split(',').map((text) => {
    const match = rulePattern.exec(text.trim());
    if (!match)
      throw new Error(`GATEWAY_UPSTREAM_HOST_OVERRIDE: '${text}' is not match=host[:port]`);
    const [, pattern = '', host = '', port] = match;
    const portNumber = port === undefined ? undefined : Number(port);
    if (portNumber !== undefined && (portNumber < 1 || portNumber > 65535)) {
      throw new Error(`GATEWAY_UPSTREAM_HOST_OVERRIDE: port ${port} is out of range`);
    }
    return { match: pattern, host, port: portNumber };
  });
}

/** The origin the gateway proxies a service to, e.g. `http://127.0.0.1:3001`. */
export function resolveUpstreamOrigin(
  service: KongService,
  rules: readonly HostOverrideRule[],
): string {
  const rule = rules.find((r) => r.match === service.host) ?? rules.find((r) => r.match === '*');
  const host = rule?.host ?? service.host;
  const port = rule?.port ?? service.port;
  return `${service.protocol}://${host}:${port}`;
}
