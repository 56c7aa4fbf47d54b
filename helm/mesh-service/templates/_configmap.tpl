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
SHUTDOWN_TIMEOUT_MS: {{ (include "mesh-service.configmap.shutdownTimeout" . | fromJson).ms | quote }}
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
The SHUTDOWN_TIMEOUT_MS the app gets and where it comes from: env.SHUTDOWN_TIMEOUT_MS when set (env wins in
the ConfigMap), else shutdown.timeoutMs. "ms" holds digits, or "" when the value is not a whole number
(mesh-service.validate.values refuses that). The grace period, the proxy's drain and notification's check
all read it from here.
Usage: {{ $shutdown := include "mesh-service.configmap.shutdownTimeout" . | fromJson }}
*/}}
{{- define "mesh-service.configmap.shutdownTimeout" -}}
{{- $env := .Values.env | default dict -}}
{{- $from := ternary "env.SHUTDOWN_TIMEOUT_MS" "shutdown.timeoutMs" (hasKey $env "SHUTDOWN_TIMEOUT_MS") -}}
{{- $value := ternary (get $env "SHUTDOWN_TIMEOUT_MS") .Values.shutdown.timeoutMs (hasKey $env "SHUTDOWN_TIMEOUT_MS") -}}
{{- dict "ms" (include "mesh-service.validate.millis" $value) "from" $from | toJson -}}
{{- end -}}

{{/*
Variables the chart sets itself and other objects follow (ports: probes, Service, policies; callee
addresses: Sidecar egress; STORAGE and DATA_DIR: volumes, rollout, the one-pod sqlite rule; the OTLP
endpoint: Sidecar egress), each with the value to set instead; env may not set them. The callee addresses
are those of every service someone calls, so the list (and the values schema's copy) is the same for all
charts. SHUTDOWN_TIMEOUT_MS and the sampler stay open to env: whatever follows them reads the result.
Usage: {{ $owned := include "mesh-service.configmap.chartOwned" . | fromJson }}
*/}}
{{- define "mesh-service.configmap.chartOwned" -}}
{{- $catalog := (include "mesh-service.catalog.services" . | fromJson).services -}}
{{- $fromCatalog := "it comes from services/catalog.json, which the containerPort, probes, Service and AuthorizationPolicies follow too" -}}
{{- $owned := dict
  "SERVICE_NAME" "it is the chart's (and the namespace's) name"
  "GRPC_PORT" $fromCatalog
  "ADMIN_PORT" $fromCatalog
  "HTTP_PORT" $fromCatalog
  "STORAGE" "set storage.kind instead (it also decides the /data volume, the rollout strategy and how many pods may run)"
  "DATA_DIR" "set storage.kind instead: with sqlite the chart mounts /data and points DATA_DIR at it"
  "OTEL_EXPORTER_OTLP_ENDPOINT" "set tracing.endpoint instead (the Sidecar's egress follows it)"
-}}
{{- range $name, $service := $catalog -}}
{{- if $service.callers -}}
{{- $_ := set $owned (include "mesh-service.names.addressVariable" $name) (printf "it is %s's Service in the cluster, the one address the Sidecar's egress allows (services/catalog.json)" $name) -}}
{{- end -}}
{{- end -}}
{{- $owned | toJson -}}
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
