{{/* Labels: Helm bookkeeping on every object, Kiali's app/version and our track on pods. */}}

{{/*
Labels for every object of the release.
Usage: {{ include "mesh-service.labels.standard" . | nindent 4 }}
*/}}
{{- define "mesh-service.labels.standard" -}}
app: {{ include "mesh-service.names.service" . }}
app.kubernetes.io/name: {{ include "mesh-service.names.service" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: iot-mesh
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/*
Selector of one track's pods (immutable in a Deployment, so it leaves out the version).
Usage: {{ include "mesh-service.labels.selector" (dict "context" $ "track" "stable") | nindent 6 }}
*/}}
{{- define "mesh-service.labels.selector" -}}
app: {{ include "mesh-service.names.service" .context }}
track: {{ .track }}
{{- end -}}

{{/*
Pod labels: app and version for Kiali and Istio telemetry, track for the DestinationRule subsets.
Usage: {{ include "mesh-service.labels.pod" (dict "context" $ "track" "canary") | nindent 8 }}
*/}}
{{- define "mesh-service.labels.pod" -}}
{{ include "mesh-service.labels.selector" . }}
version: {{ include "mesh-service.deployment.imageTag" . | quote }}
app.kubernetes.io/name: {{ include "mesh-service.names.service" .context }}
app.kubernetes.io/version: {{ include "mesh-service.deployment.imageTag" . | quote }}
{{- /* Injection also works when the namespace label is missing. */}}
sidecar.istio.io/inject: "true"
{{- end -}}
