// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace mk::core {

// Installs SIGINT/SIGTERM handlers that only record the request, so a running command can fail its current
// step, undo what it created and exit cleanly. Called once by main.
void install_interrupt_handler();
// Whether the user asked mk to stop. Long waits poll this.
bool interrupted();

} // namespace mk::core
