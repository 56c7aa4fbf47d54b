{{/* VirtualService: `x-canary: always` to the canary (mesh callers only by default), weighted stable/canary split, retries and timeouts. */}}

{{/*
Route groups (before the canary split): idempotent reads retry on more gRPC codes, streams get no
timeout field (Istio's default: no timeout; its CRDs refuse `0s`), everything else retries only when
the request never reached the app. The edge gateway adds routes for traffic from the ingress Gateway
(gRPC by content-type; on its REST port the long-lived gateway.streamingRestPaths without a timeout,
every other REST request within gateway.restTimeout), marked "ingress" so they get no `x-canary` route
unless traffic.canaryHeaderAtIngress. Unary mesh routes get routing.timeout, which must exceed every
caller's deadline (helm/caller-deadlines.json): Envoy answers its own timeout UNAVAILABLE, the caller's
deadline DEADLINE_EXCEEDED. routing.perTryTimeout (unset by default) limits each of their attempts too.
Usage: {{ $groups := (include "mesh-service.virtualservice.groups" . | fromJson).groups }}
*/}}
{{- define "mesh-service.virtualservice.groups" -}}
{{- $entry := include "mesh-service.names.catalogEntry" . | fromJson -}}
{{- $routing := .Values.routing -}}
{{- $groups := list -}}
{{- $meshOnly := dict -}}
{{- if include "mesh-service.virtualservice.gatewayBound" . -}}
{{- $gateway := list .Values.gateway.name -}}
{{- $grpc := dict "gateways" $gateway "headers" (dict "content-type" (dict "prefix" "application/grpc")) -}}
{{- $groups = append $groups (dict "name" "gateway-grpc" "match" $grpc "port" $entry.grpcPort "retryOn" $routing.retryOn "ingress" true) -}}
{{- with .Values.gateway.streamingRestPaths -}}
{{- $paths := list -}}
{{- range . }}{{ $paths = append $paths (regexQuoteMeta .) }}{{ end -}}
{{- $sse := dict "gateways" $gateway "uri" (dict "regex" (printf "^(%s)$" (join "|" $paths))) -}}
{{- $groups = append $groups (dict "name" "gateway-rest-streams" "match" $sse "port" $entry.httpPort "retryOn" $routing.retryOn "ingress" true) -}}
{{- end -}}
{{- $groups = append $groups (dict "name" "gateway-rest" "match" (dict "gateways" $gateway) "port" $entry.httpPort "retryOn" $routing.retryOn "timeout" .Values.gateway.restTimeout "ingress" true) -}}
{{- $meshOnly = dict "gateways" (list "mesh") -}}
{{- end -}}
{{- with $routing.streamingMethods -}}
{{- $uri := dict "uri" (dict "regex" (printf "^/%s/(%s)$" ($entry.api | replace "." "\\.") (join "|" .))) -}}
{{- $groups = append $groups (dict "name" "streams" "match" (merge $uri $meshOnly) "retryOn" $routing.retryOn) -}}
{{- end -}}
{{- with $routing.idempotentMethodsRegex -}}
{{- $uri := dict "uri" (dict "regex" (printf "^/%s/%s$" ($entry.api | replace "." "\\.") .)) -}}
{{- $groups = append $groups (dict "name" "reads" "match" (merge $uri $meshOnly) "retryOn" $routing.idempotentRetryOn "timeout" $routing.timeout "perTryTimeout" $routing.perTryTimeout) -}}
{{- end -}}
{{- $groups = append $groups (dict "name" "default" "match" $meshOnly "retryOn" $routing.retryOn "timeout" $routing.timeout "perTryTimeout" $routing.perTryTimeout) -}}
{{- dict "groups" $groups | toJson -}}
{{- end -}}

{{/*
"true" when this chart binds the ingress Gateway (the edge gateway with gateway.enabled), else empty.
Usage: {{ if include "mesh-service.virtualservice.gatewayBound" . }}
*/}}
{{- define "mesh-service.virtualservice.gatewayBound" -}}
{{- $entry := include "mesh-service.names.catalogEntry" . | fromJson -}}
{{- if and $entry.httpPort (dig "gateway" "enabled" false .Values.AsMap) }}true{{ end -}}
{{- end -}}

{{/*
Whether `x-canary: always` routes to the canary, as JSON {"mesh": bool, "ingress": bool}: only for an
enabled canary with canary.headerRoute; on the mesh routes only when some mesh caller may send it (the
service has callers in services/catalog.json: the edge gateway has none, only the ingress gateway may call
it), on the ingress routes only with traffic.canaryHeaderAtIngress.
Usage: {{ $header := include "mesh-service.virtualservice.canaryHeader" . | fromJson }}
*/}}
{{- define "mesh-service.virtualservice.canaryHeader" -}}
{{- $entry := include "mesh-service.names.catalogEntry" . | fromJson -}}
{{- $on := and .Values.canary.enabled (dig "canary" "headerRoute" true .Values.AsMap) -}}
{{- $atIngress := and (include "mesh-service.virtualservice.gatewayBound" .) (dig "traffic" "canaryHeaderAtIngress" false .Values.AsMap) -}}
{{- dict "mesh" (and $on (not (empty $entry.callers))) "ingress" (and $on (not (empty $atIngress))) | toJson -}}
{{- end -}}

{{/*
Weight of a track in the weighted routes: the traffic.* value, or 100/0 while the canary is off.
Usage: {{ include "mesh-service.virtualservice.trackWeight" (dict "context" $ "track" "stable") | int }}
*/}}
{{- define "mesh-service.virtualservice.trackWeight" -}}
{{- $values := .context.Values -}}
{{- if $values.canary.enabled -}}
{{- get $values.traffic .track | int -}}
{{- else -}}
{{- ternary 100 0 (eq .track "stable") -}}
{{- end -}}
{{- end -}}

{{/*
One destination: the service host, a subset, a weight and (for gateway routes) a port.
Usage: {{ include "mesh-service.virtualservice.destination" (dict "host" $host "subset" "stable" "weight" 90 "port" 0) }}
*/}}
{{- define "mesh-service.virtualservice.destination" -}}
{{- $destination := dict "host" .host "subset" .subset -}}
{{- if .port }}{{ $_ := set $destination "port" (dict "number" (int .port)) }}{{ end -}}
{{- dict "destination" $destination "weight" (int .weight) | toJson -}}
{{- end -}}

{{/*
VirtualService `<service>` bound to the mesh (and the ingress Gateway for the edge gateway).
With canary off every route sends 100 to stable; with it on, the header route comes first where
mesh-service.virtualservice.canaryHeader says (not while canary.headerRoute is false, as while meshctl
waits for a new canary's pods; not on ingress routes unless traffic.canaryHeaderAtIngress: anyone on the
internet could send the header).
Usage: {{ include "mesh-service.virtualservice.render" . }}
*/}}
{{- define "mesh-service.virtualservice.render" -}}
{{- $service := include "mesh-service.names.service" . -}}
{{- $host := include "mesh-service.names.host" $service -}}
{{- $canary := .Values.canary.enabled -}}
{{- $header := include "mesh-service.virtualservice.canaryHeader" . | fromJson -}}
{{- $stableWeight := include "mesh-service.virtualservice.trackWeight" (dict "context" . "track" "stable") | int -}}
{{- $canaryWeight := include "mesh-service.virtualservice.trackWeight" (dict "context" . "track" "canary") | int -}}
{{- $http := list -}}
{{- range $group := (include "mesh-service.virtualservice.groups" . | fromJson).groups -}}
{{- $retries := dict "attempts" (int $.Values.routing.attempts) "retryOn" $group.retryOn -}}
{{- with $group.perTryTimeout }}{{ $_ := set $retries "perTryTimeout" . }}{{ end -}}
{{- $base := dict "retries" $retries -}}
{{- with $group.timeout }}{{ $_ := set $base "timeout" . }}{{ end -}}
{{- if ternary $header.ingress $header.mesh (hasKey $group "ingress") -}}
{{- $headers := merge (dict "x-canary" (dict "exact" "always")) ($group.match.headers | default dict) -}}
{{- $match := merge (dict "headers" $headers) (omit $group.match "headers") -}}
{{- $to := include "mesh-service.virtualservice.destination" (dict "host" $host "subset" "canary" "weight" 100 "port" $group.port) | fromJson -}}
{{- $http = append $http (merge (dict "name" (printf "%s-canary-header" $group.name) "match" (list $match) "route" (list $to)) $base) -}}
{{- end -}}
{{- $route := list (include "mesh-service.virtualservice.destination" (dict "host" $host "subset" "stable" "weight" $stableWeight "port" $group.port) | fromJson) -}}
{{- if $canary -}}
{{- $route = append $route (include "mesh-service.virtualservice.destination" (dict "host" $host "subset" "canary" "weight" $canaryWeight "port" $group.port) | fromJson) -}}
{{- end -}}
{{- $rule := merge (dict "name" $group.name "route" $route) $base -}}
{{- if $group.match }}{{ $_ := set $rule "match" (list $group.match) }}{{ end -}}
{{- $http = append $http $rule -}}
{{- end -}}
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: {{ $service }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "mesh-service.labels.standard" . | nindent 4 }}
spec:
  hosts:
    - {{ $host }}
    {{- if include "mesh-service.virtualservice.gatewayBound" . }}
    {{- toYaml .Values.gateway.hosts | nindent 4 }}
    {{- end }}
  gateways:
    - mesh
    {{- if include "mesh-service.virtualservice.gatewayBound" . }}
    - {{ .Values.gateway.name }}
    {{- end }}
  http:
    {{- toYaml $http | nindent 4 }}
{{- end -}}
