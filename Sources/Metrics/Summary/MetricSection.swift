/// The blocks of TOTAL RESULTS, decided by metric name like k6 (`grpc_*` is GRPC, and so on).
enum MetricSection: Equatable {
    case http, execution, network, browser, webVitals, grpc, websocket, custom
    /// Shown elsewhere (checks) or not at all in compact mode (group_duration).
    case skipped

    init(metricName: String) {
        func starts(_ prefixes: String...) -> Bool { prefixes.contains { metricName.hasPrefix($0) } }
        if starts("checks", "group_duration") {
            self = .skipped
        } else if starts(
            "http_reqs", "http_req_failed", "http_req_duration", "http_req_blocked", "http_req_connecting",
            "http_req_tls_handshaking", "http_req_sending", "http_req_waiting", "http_req_receiving")
        {
            self = .http
        } else if starts("vus", "vus_max", "iterations", "iteration_duration", "dropped_iterations") {
            self = .execution
        } else if starts("data_sent", "data_received") {
            self = .network
        } else if starts("browser_web_vital_") {
            self = .webVitals
        } else if starts("browser_") {
            self = .browser
        } else if starts("grpc_") {
            self = .grpc
        } else if starts("ws_") {
            self = .websocket
        } else {
            self = .custom
        }
    }

    /// CUSTOM first, then k6's fixed order.
    static let displayOrder: [MetricSection] = [
        .custom, .http, .execution, .network, .browser, .webVitals, .grpc, .websocket,
    ]

    var title: String {
        switch self {
        case .http: "HTTP"
        case .execution: "EXECUTION"
        case .network: "NETWORK"
        case .browser: "BROWSER"
        case .webVitals: "WEBVITALS"
        case .grpc: "GRPC"
        case .websocket: "WEBSOCKET"
        case .custom: "CUSTOM"
        case .skipped: ""
        }
    }
}
