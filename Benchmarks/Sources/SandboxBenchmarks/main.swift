import ATSBridgeSandbox
import BenchmarkSupport
import Foundation

// The RECRU sandbox at the large preset (2,000 projects, 100,000 jobseekers, 200,000
// applications): generation time, peak memory, and the time to answer a 200-row page of each
// list (JSON parsing, paging and encoding included; the HTTP transport excluded).
//
//   swift run -c release SandboxBenchmarks

let clock = ContinuousClock()
var start = clock.now
let sandbox = RECRUSandbox(seed: 1, size: .large)
print("generated large preset in \(clock.now - start); peak RSS \(megabytes(peakResidentBytes()))")

func call(_ method: String, _ params: String, token: String?) -> [UInt8] {
    let body = Array(#"{"jsonrpc":"2.0","method":"\#(method)","params":\#(params),"id":1}"#.utf8)
    return sandbox.handle(body: body, authorization: token.map { "Bearer \($0)" }).body
}

let login = call("AuthService.login", #"{"login":"api@acme.example","password":"sandbox"}"#, token: nil)
let token =
    ((try JSONSerialization.jsonObject(with: Data(login)) as? [String: Any])?["result"] as? [String: Any])?["token"]
    as! String

for method in ["JobseekerService.getList", "ApplicationService.getList", "ProjectService.getList"] {
    var samples: [Double] = []
    var bytes = 0
    let pages = method.hasPrefix("Project") ? 10 : 400
    for round in 0..<200 {
        let page = 1 + (round * 37) % pages
        start = clock.now
        bytes = call(method, #"{"page":\#(page),"limit":200}"#, token: token).count
        let elapsed = clock.now - start
        samples.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
    }
    samples.sort()
    print(String(format: "%@ 200 rows: p50 %.2f ms, p99 %.2f ms (%d bytes)", method, samples[100], samples[197], bytes))
}
print("peak RSS \(megabytes(peakResidentBytes()))")
