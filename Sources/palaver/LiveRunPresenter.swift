import Foundation
import PalaverEngine
import PalaverModels
import PalaverTUI

/// Shows a live run the way the terminal allows: the workbench when a person
/// is at it, else plain text with Ctrl-C and SIGTERM stopping the run cleanly.
/// Then reports a failed session file, or where the session went.
enum LiveRunPresenter {
    static func present(_ run: SessionRun, interactive: Bool, theme: String?, recordPath: String?,
                        welcome: String? = nil, recordedNote: String) {
        // A server that is not running is said at once, not after every agent has retried for a while.
        if let refusal = NetworkModels.unreachableEndpoint(among: run.runner.providers) {
            if let path = recordPath { try? FileManager.default.removeItem(atPath: path) }
            Palaver.fail("\(refusal); start the server, or pick another with --base-url or --model", code: 2)
        }
        let tally = CallTally()
        run.fanout.add(tally)
        if interactive {
            let (chosen, problem) = WorkbenchTheme.choose(theme)
            Workbench(run: run, options: .init(theme: chosen, noColor: WorkbenchTheme.noColor, sessionPath: recordPath,
                                               startupNotice: problem, welcome: welcome)).start()
        } else {
            let stopOnSignal = SignalStopper(inbox: run.inbox)
            run.run()
            stopOnSignal.cancel()
        }
        if let failure = run.writer?.failure { Palaver.fail("\(failure)", code: 1) }
        if recordPath != nil { HeadlessOutput.notice(recordedNote) }
        if let failure = tally.failure { Palaver.fail(failure, code: 1) }
    }

    /// The transcript printer for headless runs; none when the workbench shows the run.
    static func sinks(interactive: Bool) -> [any EventSink] {
        interactive ? [] : [TranscriptPrinter { line in HeadlessOutput.line(line) }]
    }
}
