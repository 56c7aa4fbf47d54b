{{/* Where a service keeps its state: sqlite in each pod (trials) or one PostgreSQL for every pod. */}}

{{/*
"true" when the service keeps its state in SQLite on the pod's own emptyDir (storage.kind=sqlite), else empty.
Usage: {{ if include "mesh-service.storage.sqlite" . }}...{{ end }}
*/}}
{{- define "mesh-service.storage.sqlite" -}}
{{- if eq (dig "storage" "kind" "" .Values.AsMap) "sqlite" }}true{{ end -}}
{{- end -}}

{{/*
The most pods of the release that can run at once, each with its own SQLite database: both tracks at
their maximum (the canary only while it is on).
Usage: {{ include "mesh-service.storage.podsAtOnce" . | int }}
*/}}
{{- define "mesh-service.storage.podsAtOnce" -}}
{{- $stable := include "mesh-service.deployment.maxReplicas" (dict "context" . "track" "stable") | int -}}
{{- if .Values.canary.enabled -}}
{{- add $stable (include "mesh-service.deployment.maxReplicas" (dict "context" . "track" "canary") | int) -}}
{{- else -}}
{{- $stable -}}
{{- end -}}
{{- end -}}
