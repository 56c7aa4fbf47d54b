{{/* The one Service in front of both tracks; the DestinationRule subsets split it by the track label. */}}

{{/*
Service `<service>` with ports named grpc-api, http-admin (and http-rest for the edge gateway).
Usage: {{ include "mesh-service.service.render" . }}
*/}}
{{- define "mesh-service.service.render" -}}
{{- $entry := include "mesh-service.names.catalogEntry" . | fromJson -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "mesh-service.names.service" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "mesh-service.labels.standard" . | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    app: {{ include "mesh-service.names.service" . }}
  ports:
    - name: grpc-api
      port: {{ $entry.grpcPort }}
      targetPort: grpc-api
      appProtocol: grpc
    - name: http-admin
      port: {{ $entry.adminPort }}
      targetPort: http-admin
      appProtocol: http
    {{- if $entry.httpPort }}
    - name: http-rest
      port: {{ $entry.httpPort }}
      targetPort: http-rest
      appProtocol: http
    {{- end }}
{{- end -}}
