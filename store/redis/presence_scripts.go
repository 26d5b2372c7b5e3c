package redis

import (
	"embed"

	goredis "github.com/redis/go-redis/v9"
)

//go:embed lua/presence_*.lua
var presenceLua embed.FS

// The presence scripts, each prefixed with the record helpers of
// lua/presence_record.lua.
var (
	presMove   = presenceScript("move")
	presPut    = presenceScript("put")
	presSettle = presenceScript("settle")
	presDrop   = presenceScript("drop")
	presStatus = presenceScript("status")
	presEnd    = presenceScript("end")
	presStart  = presenceScript("start")
	presClose  = presenceScript("close")
)

// presenceScript returns lua/presence_<name>.lua after the shared helpers.
func presenceScript(name string) *goredis.Script {
	helpers, err := presenceLua.ReadFile("lua/presence_record.lua")
	if err != nil {
		panic(err)
	}
	body, err := presenceLua.ReadFile("lua/presence_" + name + ".lua")
	if err != nil {
		panic(err)
	}
	return goredis.NewScript(string(helpers) + "\n" + string(body))
}
