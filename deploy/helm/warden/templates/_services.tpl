{{/*
How each service listens, from its config.ts: the port and host variables, the health endpoints and
whether it serves /metrics. Services with an HTTP API (ingest, api, decision) serve health and
metrics on that port; the consumers (detect, sink, siem) serve /metrics and /healthz on their
metrics port (services/lib/metrics-server.ts).
*/}}
{{- define "warden.serviceSpecs" -}}
ingest:
  entry: services/ingest/main.ts
  portEnv: INGEST_PORT
  hostEnv: INGEST_HOST
  portValue: port
  liveness: /healthz
  readiness: /readyz
  metrics: true
  keysEnv: INGEST_API_KEYS
api:
  entry: services/api/main.ts
  portEnv: API_PORT
  hostEnv: API_HOST
  portValue: port
  liveness: /healthz
  readiness: /healthz
  metrics: false
  keysEnv: API_KEYS
decision:
  entry: services/decision/main.ts
  portEnv: DECISION_PORT
  hostEnv: DECISION_HOST
  portValue: port
  liveness: /healthz
  readiness: /readyz
  metrics: true
  keysEnv: DECISION_API_KEYS
detect:
  entry: services/detect/main.ts
  portEnv: DETECT_METRICS_PORT
  hostEnv: METRICS_HOST
  portValue: metricsPort
  liveness: /healthz
  readiness: /healthz
  metrics: true
  group: warden-detect
  groupEnv: DETECT_GROUP_ID
sink:
  entry: services/sink/main.ts
  portEnv: SINK_METRICS_PORT
  hostEnv: METRICS_HOST
  portValue: metricsPort
  liveness: /healthz
  readiness: /healthz
  metrics: true
  group: warden-sink
  groupEnv: SINK_GROUP_ID
siem:
  entry: services/siem/main.ts
  portEnv: SIEM_METRICS_PORT
  hostEnv: METRICS_HOST
  portValue: metricsPort
  liveness: /healthz
  readiness: /healthz
  metrics: true
  group: warden-siem
  groupEnv: SIEM_GROUP_ID
{{- end -}}
