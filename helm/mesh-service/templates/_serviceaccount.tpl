{{/* One ServiceAccount per service: its mesh identity cluster.local/ns/<service>/sa/<service>. */}}

{{/*
ServiceAccount `<service>`; the token is not mounted (see the Deployment).
Usage: {{ include "mesh-service.serviceaccount.render" . }}
*/}}
{{- define "mesh-service.serviceaccount.render" -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "mesh-service.names.service" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "mesh-service.labels.standard" . | nindent 4 }}
automountServiceAccountToken: false
{{- end -}}
