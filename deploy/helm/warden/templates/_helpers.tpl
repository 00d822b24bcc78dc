{{/* Names and labels. */}}
{{- define "warden.fullname" -}}
{{- if contains "warden" .Release.Name -}}{{ .Release.Name | trunc 50 | trimSuffix "-" }}{{- else -}}{{ printf "%s-warden" .Release.Name | trunc 50 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{- define "warden.labels" -}}
app.kubernetes.io/name: warden
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{- define "warden.selectorLabels" -}}
app.kubernetes.io/name: warden
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{/* Environment shared by every service: the backbone connections of services/lib/connections.ts. */}}
{{- define "warden.connectionEnv" -}}
{{- $v := .root.Values -}}
- name: WARDEN_ENV
  value: {{ $v.environment | quote }}
- name: LOG_LEVEL
  value: {{ $v.logLevel | quote }}
- name: KAFKA_BROKERS
  value: {{ $v.kafka.brokers | quote }}
- name: KAFKA_CLIENT_ID
  value: {{ printf "warden-%s" .name | quote }}
- name: KAFKA_TOPIC_PREFIX
  value: {{ $v.kafka.topicPrefix | quote }}
- name: KAFKA_SSL
  value: {{ $v.kafka.tls.enabled | quote }}
{{- if $v.kafka.tls.enabled }}
- name: KAFKA_SSL_CA_FILE
  value: /etc/warden/kafka-ca/{{ $v.kafka.tls.caKey }}
{{- end }}
{{- if $v.kafka.sasl.mechanism }}
- name: KAFKA_SASL_MECHANISM
  value: {{ $v.kafka.sasl.mechanism | quote }}
- name: KAFKA_SASL_USERNAME
  value: {{ printf "%s%s" $v.kafka.sasl.usernamePrefix .name | quote }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ printf "%s%s" $v.kafka.sasl.usernamePrefix .name }}
      key: {{ $v.kafka.sasl.passwordKey }}
{{- end }}
- name: SCHEMA_REGISTRY_URL
  value: {{ $v.schemaRegistry.url | quote }}
{{- if $v.schemaRegistry.existingSecret }}
- name: SCHEMA_REGISTRY_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ $v.schemaRegistry.existingSecret }}
      key: username
- name: SCHEMA_REGISTRY_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $v.schemaRegistry.existingSecret }}
      key: password
{{- end }}
- name: CLICKHOUSE_URL
  value: {{ $v.clickhouse.url | quote }}
- name: CLICKHOUSE_USER
  value: {{ $v.clickhouse.user | quote }}
- name: CLICKHOUSE_DATABASE
  value: {{ $v.clickhouse.database | quote }}
- name: CLICKHOUSE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $v.clickhouse.existingSecret }}
      key: {{ $v.clickhouse.passwordKey }}
{{- end -}}

{{/* Volumes every pod mounts: /tmp (tsx's compile cache; the root fs is read-only) and the Kafka CA. */}}
{{- define "warden.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: 256Mi
{{- if .root.Values.kafka.tls.enabled }}
- name: kafka-ca
  secret:
    secretName: {{ .root.Values.kafka.tls.caSecret }}
    items:
      - key: {{ .root.Values.kafka.tls.caKey }}
        path: {{ .root.Values.kafka.tls.caKey }}
{{- end }}
{{- end -}}

{{- define "warden.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if .root.Values.kafka.tls.enabled }}
- name: kafka-ca
  mountPath: /etc/warden/kafka-ca
  readOnly: true
{{- end }}
{{- end -}}

{{- define "warden.apiKeysSecret" -}}
{{- if .Values.apiKeys.create -}}{{ include "warden.fullname" . }}-api-keys{{- else -}}{{ .Values.apiKeys.existingSecret }}{{- end -}}
{{- end -}}
