{{/* Optional NetworkPolicy: a second fence below the mesh, by namespace, for clusters that enforce it. */}}

{{/*
NetworkPolicy `<service>`: the API port from caller namespaces (and istio-system for the edge gateway),
the admin and Istio agent ports from networkPolicy.metricsNamespaces.
Usage: {{ include "mesh-service.networkpolicy.render" . }}
*/}}
{{- define "mesh-service.networkpolicy.render" -}}
{{- $entry := include "mesh-service.names.catalogEntry" . | fromJson -}}
{{- $apiFrom := keys $entry.callers | sortAlpha -}}
{{- if include "mesh-service.virtualservice.gatewayBound" . }}{{ $apiFrom = append $apiFrom "istio-system" }}{{ end -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "mesh-service.names.service" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "mesh-service.labels.standard" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      app: {{ include "mesh-service.names.service" . }}
  policyTypes: ["Ingress"]
  ingress:
    {{- if $apiFrom }}
    - from:
        {{- range $apiFrom }}
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: {{ . }}
        {{- end }}
      ports:
        - port: {{ $entry.grpcPort }}
        {{- if $entry.httpPort }}
        - port: {{ $entry.httpPort }}
        {{- end }}
    {{- end }}
    - from:
        {{- range .Values.networkPolicy.metricsNamespaces }}
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: {{ . }}
        {{- end }}
      ports:
        - port: {{ $entry.adminPort }}
        # Istio agent: merged Prometheus metrics (15020) and Envoy stats (15090).
        - port: 15020
        - port: 15090
{{- end -}}
