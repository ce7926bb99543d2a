extension Engine {
    /// Applies a user command, at once: between steps or in the middle of one
    /// (the runner then holds scripted streams while paused, and starts turns
    /// handed back to their models). Each change is an event; a command that
    /// cannot take effect is recorded as rejected, with why.
    public func apply(_ command: Command) {
        switch command {
        case .pause:
            guard !paused else { return }
            paused = true
            stepAllowance = 0
            emit(.control(.pause))
        case .resume:
            guard paused else { return }
            paused = false
            stepAllowance = 0
            emit(.control(.resume))
        case .stepOnce:
            if !paused {
                paused = true
                emit(.control(.pause))
            }
            stepAllowance += 1
            emit(.control(.stepOnce))
        case .setSpeed(let newSpeed):
            guard newSpeed != speed else { return }
            speed = newSpeed
            emit(.control(.speed(newSpeed)))
        case .inject(let text, let from, let to):
            let body = text.trimmingWhitespace
            guard !body.isEmpty else { return reject("inject", "the message is empty") }
            if let bad = unknownAgent(in: to) ?? from.agent.flatMap({ isKnown($0) ? nil : $0 }) {
                return reject("inject", "there is no agent \(bad)")
            }
            send(Outgoing(to: to, kind: .injected, text: body), from: from)
        case .edit(let id, let text):
            let original = mailboxes.lazy.compactMap { $0.text(of: id) }.first
            var found = false
            for i in mailboxes.indices where mailboxes[i].edit(id, text: text) { found = true }
            guard found else { return reject("edit", notWaiting(id)) }
            emit(.edited(messageID: id, text: text, original: original))
        case .drop(let id):
            var taken: Message?
            var recipients: [AgentID] = []
            for i in mailboxes.indices {
                guard let message = mailboxes[i].take(id) else { continue }
                taken = message
                recipients.append(AgentID(i))
            }
            guard let taken else { return reject("drop", notWaiting(id)) }
            droppedMessages[id] = (taken, recipients)
            emit(.dropped(messageID: id, from: recipients))
        case .restore(let id):
            guard let (message, recipients) = droppedMessages.removeValue(forKey: id) else {
                return reject("restore", id < nextMessageID && id > 0
                              ? "message \(id) is not dropped (it was delivered or is still waiting)"
                              : "there is no message \(id)")
            }
            emit(.restored(messageID: id))
            // Back where it was in each mailbox; one that filled up meanwhile refuses it, as it would a new message.
            for agent in recipients where !mailboxes[agent.index].restore(message) {
                emit(.mailboxFull(agent: agent, messageID: id))
            }
        case .mute(let agent):
            guard isKnown(agent) else { return reject("mute", "there is no agent \(agent)") }
            guard !muted[agent.index] else { return }
            muted[agent.index] = true
            emit(.control(.mute(agent)))
        case .unmute(let agent):
            guard isKnown(agent), muted[agent.index] else { return }
            muted[agent.index] = false
            emit(.control(.unmute(agent)))
        case .takeOver(let agent):
            guard isKnown(agent) else { return reject("take over", "there is no agent \(agent)") }
            guard !takenOver[agent.index] else { return }
            takenOver[agent.index] = true
            emit(.takeover(agent: agent, active: true))
        case .handBack(let agent):
            guard isKnown(agent), takenOver[agent.index] else { return }
            takenOver[agent.index] = false
            emit(.takeover(agent: agent, active: false))
            // A turn that was waiting for the user goes to the model, which answers it now.
            if openTurns.contains(agent), let request = waitingForUser.removeValue(forKey: agent) {
                emit(.callStarted(agent: agent, model: info.agents[agent.index].model, context: request.context))
                handedBack.append(Turn(agent: agent, kind: .model(request)))
            }
        case .reply(let agent, let text):
            guard isKnown(agent), openTurns.contains(agent), takenOver[agent.index] else {
                return reject("reply", "it is not \(isKnown(agent) ? info.agents[agent.index].name : "that agent")'s turn")
            }
            let body = text.trimmingWhitespace
            guard !body.isEmpty else { return reject("reply", "the reply is empty") }
            openTurns.remove(agent)
            waitingForUser[agent] = nil
            turnsTaken[agent.index] += 1
            send(Outgoing(to: replyRecipients(for: agent), text: body, author: .person), from: .agent(agent))
            actOnReply(body, by: agent)
        case .setBreakpoint(let condition):
            setBreakpoint(condition)
        case .clearBreakpoint(let id):
            clearBreakpoint(id)
        case .stop:
            guard !stopped else { return }
            stopped = true
            emit(.control(.stop))
        }
    }

    func reject(_ command: String, _ reason: String) {
        emit(.rejected(command: command, reason: reason))
    }

    func isKnown(_ agent: AgentID) -> Bool { agent.index >= 0 && agent.index < agentCount }

    private func unknownAgent(in recipients: Recipients) -> AgentID? {
        switch recipients {
        case .all: return nil
        case .one(let id): return isKnown(id) ? nil : id
        case .some(let ids): return ids.first { !isKnown($0) }
        }
    }

    private func notWaiting(_ id: Int) -> String {
        id < nextMessageID && id > 0
            ? "that message is no longer waiting in any mailbox (already delivered or dropped)"
            : "there is no message \(id)"
    }
}
