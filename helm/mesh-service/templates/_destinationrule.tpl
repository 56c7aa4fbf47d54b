{{/* DestinationRule: mutual TLS, connection limits, outlier ejection and the stable/canary subsets. */}}

{{/*
DestinationRule `<service>`. trafficPolicy.consistentHashHeader (e.g. x-device-shard) pins each key to one pod.
Usage: {{ include "mesh-service.destinationrule.render" . }}
*/}}
{{- define "mesh-service.destinationrule.render" -}}
{{- $policy := .Values.trafficPolicy -}}
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: {{ include "mesh-service.names.service" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "mesh-service.labels.standard" . | nindent 4 }}
spec:
  host: {{ include "mesh-service.names.host" (include "mesh-service.names.service" .) }}
  trafficPolicy:
    tls:
      mode: ISTIO_MUTUAL
    loadBalancer:
      {{- if $policy.consistentHashHeader }}
      consistentHash:
        httpHeaderName: {{ $policy.consistentHashHeader }}
      {{- else }}
      simple: LEAST_REQUEST
      {{- end }}
    connectionPool:
      tcp:
        maxConnections: {{ $policy.connectionPool.maxConnections }}
        connectTimeout: {{ $policy.connectionPool.connectTimeout }}
      http:
        http2MaxRequests: {{ $policy.connectionPool.http2MaxRequests }}
        maxRequestsPerConnection: {{ $policy.connectionPool.maxRequestsPerConnection }}
    outlierDetection:
      consecutive5xxErrors: {{ $policy.outlierDetection.consecutive5xxErrors }}
      interval: {{ $policy.outlierDetection.interval }}
      baseEjectionTime: {{ $policy.outlierDetection.baseEjectionTime }}
      maxEjectionPercent: {{ $policy.outlierDetection.maxEjectionPercent }}
  subsets:
    - name: stable
      labels:
        track: stable
    - name: canary
      labels:
        track: canary
{{- end -}}
