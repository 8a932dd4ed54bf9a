{{/* Prefix of the chart's shared objects. */}}
{{- define "careloop.prefix" -}}
{{- default "careloop" .Values.nameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{- define "careloop.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels on every object, but the instance (selectorLabels carry it for per-service objects). */}}
{{- define "careloop.baseLabels" -}}
helm.sh/chart: {{ include "careloop.chart" . }}
app.kubernetes.io/part-of: careloop
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{/* Labels on every shared object. */}}
{{- define "careloop.commonLabels" -}}
{{ include "careloop.baseLabels" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/*
Deep merge where the override wins for every key it sets, false/0/"" included (sprig's merge and
mergeOverwrite skip "empty" values, so `autoscaling: {enabled: false}` would be lost). Maps are merged
recursively, null removes the key, anything else is replaced. Returns JSON.
  include "careloop.deepMerge" (dict "base" $a "override" $b) | fromJson
*/}}
{{- define "careloop.deepMerge" -}}
{{- $out := deepCopy (default dict .base) -}}
{{- range $key, $value := (default dict .override) -}}
{{- $current := get $out $key -}}
{{- if kindIs "invalid" $value -}}
{{- $_ := unset $out $key -}}
{{- else if and (kindIs "map" $value) (kindIs "map" $current) -}}
{{- $_ := set $out $key (include "careloop.deepMerge" (dict "base" $current "override" $value) | fromJson) -}}
{{- else -}}
{{- $_ := set $out $key $value -}}
{{- end -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/*
The enabled services, each merged over serviceDefaults, as JSON: { "<name>": { ...config, "name": "<name>" } }.
Every per-service template ranges over this, so there is one definition of a service.
Note: a JSON round trip turns numbers into floats; print them with `int`.
*/}}
{{- define "careloop.services" -}}
{{- $out := dict -}}
{{- range $name, $service := .Values.services -}}
{{- $merged := include "careloop.deepMerge" (dict "base" $.Values.serviceDefaults "override" $service) | fromJson -}}
{{- if $merged.enabled -}}
{{- $_ := set $merged "name" $name -}}
{{- $_ := set $out $name $merged -}}
{{- end -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/* Selector labels of one service's pods: dict "root" $ "name" <service>. Never change: selectors are immutable. */}}
{{- define "careloop.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: server
{{- end -}}

{{/* Labels of one service's objects: dict "root" $ "name" <service>. */}}
{{- define "careloop.serviceLabels" -}}
{{ include "careloop.baseLabels" .root }}
{{ include "careloop.selectorLabels" . }}
{{- end -}}

{{/* Image reference for a service: dict "root" $ "service" $svc. */}}
{{- define "careloop.image" -}}
{{- $image := include "careloop.deepMerge" (dict "base" .root.Values.image "override" .service.image) | fromJson -}}
{{- if and $image.digest $image.tag -}}
{{- printf "%s:%s@%s" $image.repository (toString $image.tag) $image.digest -}}
{{- else if $image.digest -}}
{{- printf "%s@%s" $image.repository $image.digest -}}
{{- else -}}
{{- printf "%s:%s" $image.repository (default .root.Chart.AppVersion $image.tag | toString) -}}
{{- end -}}
{{- end -}}

{{- define "careloop.imagePullPolicy" -}}
{{- $image := include "careloop.deepMerge" (dict "base" .root.Values.image "override" .service.image) | fromJson -}}
{{- $image.pullPolicy -}}
{{- end -}}

{{/* The token issuer: config.auth.issuer, else <publicUrl>/api/auth. */}}
{{- define "careloop.authIssuer" -}}
{{- default (printf "%s/api/auth" (trimSuffix "/" .Values.publicUrl)) .Values.config.auth.issuer -}}
{{- end -}}

{{/* auth-service's JWKS URL. */}}
{{- define "careloop.jwksUrl" -}}
{{- if .Values.config.auth.jwksUrl -}}
{{- .Values.config.auth.jwksUrl -}}
{{- else -}}
{{- $auth := index .Values.services "auth-service" | default dict -}}
{{- printf "http://auth-service:%d/api/auth/.well-known/jwks.json" (int (default 3001 $auth.port)) -}}
{{- end -}}
{{- end -}}

{{/*
Non-secret environment of one service (dict "root" $ "service" $svc), as JSON { NAME: "value" }: the ConfigMap's
data, and the migration Job's env (a pre-install hook runs before the ConfigMap exists).
*/}}
{{- define "careloop.serviceEnv" -}}
{{- $root := .root -}}
{{- $svc := .service -}}
{{- $c := $root.Values.config -}}
{{- $env := dict
  "NODE_ENV" $c.nodeEnv
  "TZ" $c.timezone
  "PORT" (toString (int $svc.port))
  "HOST" $c.host
  "LOG_LEVEL" $c.logLevel
  "KAFKA_BROKERS" $c.kafka.brokers
  "KAFKA_TOPIC_PREFIX" $c.kafka.topicPrefix
  "KAFKA_COMMIT_INTERVAL_MS" (toString (int64 $c.kafka.commitIntervalMs))
  "KAFKA_COMMIT_THRESHOLD" (toString (int64 $c.kafka.commitThreshold))
  "KAFKA_SESSION_TIMEOUT_MS" (toString (int64 $c.kafka.sessionTimeoutMs))
  "AUTH_JWKS_URL" (include "careloop.jwksUrl" $root)
  "AUTH_ISSUER" (include "careloop.authIssuer" $root)
  "AUTH_AUDIENCE" $c.auth.audience
  "OTEL_SERVICE_NAME" $svc.name
-}}
{{- if $c.otel.endpoint -}}
{{- $_ := set $env "OTEL_EXPORTER_OTLP_ENDPOINT" $c.otel.endpoint -}}
{{- end -}}
{{- range $k, $v := $c.extraEnv -}}
{{- $_ := set $env $k (toString $v) -}}
{{- end -}}
{{- range $k, $v := $svc.env -}}
{{- $_ := set $env $k (toString $v) -}}
{{- end -}}
{{- toJson $env -}}
{{- end -}}

{{/* Secret-backed and downward-API env entries of one service (dict "root" $ "service" $svc): a YAML list. */}}
{{- define "careloop.secretEnv" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ default (printf "%s-database" .service.name) .service.database.existingSecret }}
      key: {{ .service.database.secretKey }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ .root.Values.infra.redis.existingSecret }}
      key: {{ .root.Values.infra.redis.secretKey }}
{{- range $name, $ref := .service.secretEnv }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ $ref.secret }}
      key: {{ $ref.key }}
{{- end }}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: OTEL_RESOURCE_ATTRIBUTES
  value: "k8s.pod.name=$(POD_NAME),k8s.namespace.name=$(POD_NAMESPACE),service.version={{ .root.Chart.AppVersion }}"
{{- end -}}

{{/* Fails the render with a clear message when one service's settings contradict each other. */}}
{{- define "careloop.validateService" -}}
{{- $svc := .service -}}
{{- if ge (int $svc.preStopSleepSeconds) (int $svc.terminationGracePeriodSeconds) -}}
{{- fail (printf "services.%s: preStopSleepSeconds (%d) must be less than terminationGracePeriodSeconds (%d), or SIGTERM never reaches the service before the kill" $svc.name (int $svc.preStopSleepSeconds) (int $svc.terminationGracePeriodSeconds)) -}}
{{- end -}}
{{- $minReplicas := int $svc.replicas -}}
{{- if $svc.autoscaling.enabled -}}
{{- $minReplicas = int $svc.autoscaling.minReplicas -}}
{{- if gt (int $svc.autoscaling.minReplicas) (int $svc.autoscaling.maxReplicas) -}}
{{- fail (printf "services.%s.autoscaling: minReplicas (%d) exceeds maxReplicas (%d)" $svc.name (int $svc.autoscaling.minReplicas) (int $svc.autoscaling.maxReplicas)) -}}
{{- end -}}
{{- end -}}
{{- $pdb := $svc.podDisruptionBudget -}}
{{- if $pdb.enabled -}}
{{- if and (kindIs "invalid" $pdb.minAvailable) (kindIs "invalid" $pdb.maxUnavailable) -}}
{{- fail (printf "services.%s.podDisruptionBudget: set minAvailable or maxUnavailable" $svc.name) -}}
{{- end -}}
{{- if kindIs "float64" $pdb.minAvailable -}}
{{- if ge (int $pdb.minAvailable) $minReplicas -}}
{{- fail (printf "services.%s.podDisruptionBudget: minAvailable %d with %d replica(s) would block every node drain" $svc.name (int $pdb.minAvailable) $minReplicas) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
