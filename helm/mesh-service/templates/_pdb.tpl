{{/* One PodDisruptionBudget per track: a drain must not take all of stable (or all of a canary that carries traffic). */}}

{{/*
PodDisruptionBudget `<service>-<track>` over that track's pods only; a budget over both tracks would let
a drain evict every stable pod while a canary pod keeps the count up.
Usage: {{ include "mesh-service.pdb.render" (dict "context" $ "track" "stable") }}
*/}}
{{- define "mesh-service.pdb.render" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "mesh-service.names.workload" . }}
  namespace: {{ .context.Release.Namespace }}
  labels:
    {{- include "mesh-service.labels.standard" .context | nindent 4 }}
    track: {{ .track }}
spec:
  minAvailable: {{ .context.Values.podDisruptionBudget.minAvailable }}
  selector:
    matchLabels:
      {{- include "mesh-service.labels.selector" . | nindent 6 }}
{{- end -}}
