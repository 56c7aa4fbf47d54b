{{/* DestinationRule: mutual TLS, connection limits, outlier ejection and the stable/canary subsets. */}}

{{/*
The service's ports by their role in services/catalog.json (grpc, admin and, on the edge gateway, rest),
as JSON: the keys trafficPolicy.portConnectionPools may use.
Usage: {{ $ports := include "mesh-service.destinationrule.portsByRole" . | fromJson }}
*/}}
{{- define "mesh-service.destinationrule.portsByRole" -}}
{{- $entry := include "mesh-service.names.catalogEntry" . | fromJson -}}
{{- $ports := dict "grpc" $entry.grpcPort "admin" $entry.adminPort -}}
{{- if $entry.httpPort }}{{ $_ := set $ports "rest" $entry.httpPort }}{{ end -}}
{{- $ports | toJson -}}
{{- end -}}

{{/*
One traffic policy: mutual TLS, the load balancer, the given connection pool and outlier detection. The
top level and every port-level entry render all four: Istio does not inherit into portLevelSettings, a
field left out there falls back to Istio's default (no TLS setting, round-robin, no pool limit, no ejection).
Usage: {{ include "mesh-service.destinationrule.policy" (dict "values" .Values "pool" $pool) | nindent 4 }}
*/}}
{{- define "mesh-service.destinationrule.policy" -}}
{{- $policy := .values.trafficPolicy -}}
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
    maxConnections: {{ .pool.maxConnections }}
    connectTimeout: {{ .pool.connectTimeout }}
  http:
    http1MaxPendingRequests: {{ .pool.http1MaxPendingRequests }}
    http2MaxRequests: {{ .pool.http2MaxRequests }}
    maxRequestsPerConnection: {{ .pool.maxRequestsPerConnection }}
outlierDetection:
  consecutive5xxErrors: {{ $policy.outlierDetection.consecutive5xxErrors }}
  interval: {{ $policy.outlierDetection.interval }}
  baseEjectionTime: {{ $policy.outlierDetection.baseEjectionTime }}
  maxEjectionPercent: {{ $policy.outlierDetection.maxEjectionPercent }}
{{- end -}}

{{/*
DestinationRule `<service>`. trafficPolicy.consistentHashHeader (e.g. x-device-shard) pins each key to one pod.
trafficPolicy.connectionPool applies to every port; trafficPolicy.portConnectionPools.<role> overrides some of
its limits on one port (where long-lived streams go), rendered as a complete portLevelSettings entry.
Usage: {{ include "mesh-service.destinationrule.render" . }}
*/}}
{{- define "mesh-service.destinationrule.render" -}}
{{- $pool := .Values.trafficPolicy.connectionPool -}}
{{- $ports := include "mesh-service.destinationrule.portsByRole" . | fromJson -}}
{{- $portPools := dig "trafficPolicy" "portConnectionPools" dict .Values.AsMap -}}
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
    {{- include "mesh-service.destinationrule.policy" (dict "values" .Values "pool" $pool) | nindent 4 }}
    {{- if $portPools }}
    portLevelSettings:
      {{- range $role := keys $portPools | sortAlpha }}
      - port:
          number: {{ get $ports $role }}
        {{- $portPool := merge (deepCopy (get $portPools $role)) $pool }}
        {{- include "mesh-service.destinationrule.policy" (dict "values" $.Values "pool" $portPool) | nindent 8 }}
      {{- end }}
    {{- end }}
  subsets:
    - name: stable
      labels:
        track: stable
    - name: canary
      labels:
        track: canary
{{- end -}}
