package redis

import (
	"embed"

	goredis "github.com/redis/go-redis/v9"
)

//go:embed lua/dispatch_*.lua
var dispatchLua embed.FS

// The dispatch scripts, one per mutation, each prefixed with the helpers
// of lua/dispatch_lib.lua.
var (
	dispCreate     = dispatchScript("create")
	dispOffer      = dispatchScript("offer")
	dispAccept     = dispatchScript("accept")
	dispDecline    = dispatchScript("decline")
	dispLapse      = dispatchScript("lapse")
	dispAssign     = dispatchScript("assign")
	dispWithdraw   = dispatchScript("withdraw")
	dispRelease    = dispatchScript("release")
	dispArrive     = dispatchScript("arrive")
	dispWiden      = dispatchScript("widen")
	dispExhaust    = dispatchScript("exhaust")
	dispTransition = dispatchScript("transition")
)

// dispatchScript returns lua/dispatch_<name>.lua after the shared helpers.
func dispatchScript(name string) *goredis.Script {
	helpers, err := dispatchLua.ReadFile("lua/dispatch_lib.lua")
	if err != nil {
		panic(err)
	}
	body, err := dispatchLua.ReadFile("lua/dispatch_" + name + ".lua")
	if err != nil {
		panic(err)
	}
	return goredis.NewScript(string(helpers) + "\n" + string(body))
}
