{{/* One HorizontalPodAutoscaler per track, so stable and canary scale on their own load. */}}

{{/*
HPA (autoscaling/v2) for `<service>-<track>`; the canary starts from canary.replicas.
Usage: {{ include "mesh-service.hpa.render" (dict "context" $ "track" "stable") }}
*/}}
{{- define "mesh-service.hpa.render" -}}
{{- $values := .context.Values -}}
{{- $min := include "mesh-service.deployment.minReplicas" . | int -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "mesh-service.names.workload" . }}
  namespace: {{ .context.Release.Namespace }}
  labels:
    {{- include "mesh-service.labels.standard" .context | nindent 4 }}
    track: {{ .track }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "mesh-service.names.workload" . }}
  minReplicas: {{ $min }}
  maxReplicas: {{ include "mesh-service.deployment.maxReplicas" . }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $values.autoscaling.targetCPUUtilizationPercentage }}
{{- end -}}
