{{/* A PodDisruptionBudget over all of a service's pods (both tracks), so node drains keep it serving. */}}

{{/*
PodDisruptionBudget `<service>`.
Usage: {{ include "mesh-service.pdb.render" . }}
*/}}
{{- define "mesh-service.pdb.render" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "mesh-service.names.service" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "mesh-service.labels.standard" . | nindent 4 }}
spec:
  minAvailable: {{ .Values.podDisruptionBudget.minAvailable }}
  selector:
    matchLabels:
      app: {{ include "mesh-service.names.service" . }}
{{- end -}}
