{{/* Non-secret configuration as environment: platform ports, downstream addresses, span export, then .Values.env. */}}

{{/*
The environment every service gets from the catalog: its ports and the address of each service it calls.
Usage: {{ include "mesh-service.configmap.catalogEnv" . | fromYaml }}
*/}}
{{- define "mesh-service.configmap.catalogEnv" -}}
{{- $entry := include "mesh-service.names.catalogEntry" . | fromJson -}}
{{- $catalog := (include "mesh-service.catalog.services" . | fromJson).services -}}
SERVICE_NAME: {{ $entry.name | quote }}
GRPC_PORT: {{ $entry.grpcPort | quote }}
ADMIN_PORT: {{ $entry.adminPort | quote }}
{{- if $entry.httpPort }}
HTTP_PORT: {{ $entry.httpPort | quote }}
{{- end }}
SHUTDOWN_TIMEOUT_MS: {{ .Values.shutdown.timeoutMs | quote }}
{{- range $callee := keys $entry.calls | sortAlpha }}
{{ include "mesh-service.names.addressVariable" $callee }}: {{ printf "%s:%v" (include "mesh-service.names.host" $callee) (get $catalog $callee).grpcPort | quote }}
{{- end }}
{{- with .Values.storage }}
STORAGE: {{ .kind | quote }}
{{- if eq .kind "sqlite" }}
DATA_DIR: "/data"
{{- end }}
{{- end }}
{{- end -}}

{{/*
Span export (tracing.*): the OTLP endpoint and the sampler, or nothing when tracing.endpoint is empty.
Usage: {{ include "mesh-service.configmap.tracingEnv" . | fromYaml }}
*/}}
{{- define "mesh-service.configmap.tracingEnv" -}}
{{- with .Values.tracing -}}
{{- if .endpoint }}
OTEL_EXPORTER_OTLP_ENDPOINT: {{ .endpoint | quote }}
OTEL_TRACES_SAMPLER: {{ .sampler | quote }}
OTEL_TRACES_SAMPLER_ARG: {{ .samplerArg | toString | quote }}
{{- end }}
{{- end -}}
{{- end -}}

{{/*
ConfigMap `<service>`; .Values.env overrides the catalog defaults and tracing.*. Secrets go in
existingSecret instead.
Usage: {{ include "mesh-service.configmap.render" . }}
*/}}
{{- define "mesh-service.configmap.render" -}}
{{- $defaults := mergeOverwrite (include "mesh-service.configmap.catalogEnv" . | fromYaml) (include "mesh-service.configmap.tracingEnv" . | fromYaml) -}}
{{- $env := mergeOverwrite $defaults (.Values.env | default dict) -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "mesh-service.names.service" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "mesh-service.labels.standard" . | nindent 4 }}
data:
  {{- range $name := keys $env | sortAlpha }}
  {{ $name }}: {{ get $env $name | toString | quote }}
  {{- end }}
{{- end -}}
